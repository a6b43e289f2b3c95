// Hardening regressions that need the real server process and raw sockets: body limits refused before the body
// is buffered (finding 11); RTMP resources before authentication (finding 6) and log injection through an RTMP
// app name (finding 7), with a hand-rolled RTMP client that can misbehave in ways ffmpeg cannot.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { AUTH_DEADLINE_MS, MAX_PENDING_PER_IP } from "../server/ingest/rtmp";
import { removeDir, startServer, type RunningServer } from "./helpers/server";

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer();
}, 60_000);
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dataDir);
}, 60_000);

/** A raw HTTP/1.1 client: writes what it is given and collects the answer until the server closes or answers. */
function rawHttp(port: number): { socket: Socket; answer: Promise<string>; closed: Promise<void> } {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {});
  let text = "";
  const answer = new Promise<string>((resolve) => {
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (text.includes("\r\n\r\n")) resolve(text);
    });
    socket.on("close", () => resolve(text));
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, answer, closed };
}

test("finding 11: a declared 100 MB upload is refused with 413 before any of the body is sent", async () => {
  const c = rawHttp(srv.httpPort);
  c.socket.write("POST /studio/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=X\r\nContent-Length: 104857600\r\n\r\n");
  const answer = await Promise.race([c.answer, Bun.sleep(3000).then(() => "timeout")]);
  expect(answer).toStartWith("HTTP/1.1 413");
  c.socket.destroy();
});

test("finding 11: a chunked body is cut off at the route's limit (1 MB for forms and JSON)", async () => {
  const c = rawHttp(srv.httpPort);
  c.socket.write("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n");
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  let answer = "";
  void c.answer.then((a) => (answer = a));
  // Bounded: at most 8 MB, stopping as soon as the server answered.
  for (let i = 0; i < 128 && !answer; i++) {
    c.socket.write(`${chunk.length.toString(16)}\r\n`);
    c.socket.write(chunk);
    c.socket.write("\r\n");
    sent += chunk.length;
    await Bun.sleep(5);
  }
  answer ||= await Promise.race([c.answer, Bun.sleep(3000).then(() => "timeout")]);
  expect(answer).toStartWith("HTTP/1.1 413");
  expect(sent).toBeLessThan(4 * 1024 * 1024);
  c.socket.destroy();
});

test("finding 11: API JSON over 1 MB → 413 JSON; a small one still reaches the handler", async () => {
  const big = await fetch(`${srv.url}/api/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(1_100_000) }) });
  expect(big.status).toBe(413);
  expect((await big.json()).error).toContain("too large");
  const small = await fetch(`${srv.url}/api/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect([401, 422]).toContain(small.status);
});

// ---- RTMP (findings 6 and 7) ----

function amfString(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const h = Buffer.alloc(3);
  h[0] = 0x02;
  h.writeUInt16BE(b.length, 1);
  return Buffer.concat([h, b]);
}
function amfNumber(n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 0x00;
  b.writeDoubleBE(n, 1);
  return b;
}
function amfObject(o: Record<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.from([0x03])];
  for (const [k, v] of Object.entries(o)) {
    const key = Buffer.from(k, "utf8");
    const len = Buffer.alloc(2);
    len.writeUInt16BE(key.length);
    parts.push(len, key, amfString(v));
  }
  parts.push(Buffer.from([0x00, 0x00, 0x09]));
  return Buffer.concat(parts);
}
/** One AMF0 command message on chunk stream 3, split into 128-byte chunks (the default chunk size). */
function command(payload: Buffer, streamId = 0): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x03;
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = 0x14;
  header.writeUInt32LE(streamId, 8);
  const out: Buffer[] = [header];
  for (let i = 0; i < payload.length; i += 128) {
    if (i > 0) out.push(Buffer.from([0xc3]));
    out.push(payload.subarray(i, i + 128));
  }
  return Buffer.concat(out);
}

interface RawRtmp {
  socket: Socket;
  received(): number;
  closed: Promise<number>;
}

function rawRtmp(port: number): Promise<RawRtmp> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const started = Date.now();
    let got = 0;
    socket.on("data", (d) => (got += d.length));
    socket.on("error", () => {});
    const closed = new Promise<number>((r) => socket.on("close", () => r(Date.now() - started)));
    socket.once("connect", () => resolve({ socket, received: () => got, closed }));
    socket.once("error", reject);
  });
}

/** C0+C1, waits for S0+S1+S2, answers C2. */
async function handshake(c: RawRtmp): Promise<void> {
  c.socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)]));
  for (let i = 0; i < 100 && c.received() < 1 + 1536 * 2; i++) await Bun.sleep(20);
  expect(c.received()).toBeGreaterThanOrEqual(1 + 1536 * 2);
  c.socket.write(Buffer.alloc(1536));
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | "timeout"> => Promise.race([p, Bun.sleep(ms).then(() => "timeout" as const)]);

test("finding 6: a chunk header declaring a 16 MB message before publish drops the socket at once", async () => {
  const c = await rawRtmp(srv.rtmpPort);
  await handshake(c);
  const header = Buffer.alloc(12);
  header[0] = 0x03;
  header.writeUIntBE(0xffffff, 4, 3);
  header[7] = 0x14;
  c.socket.write(header);
  expect(await within(c.closed, 3000)).not.toBe("timeout");
  expect(srv.output()).toContain("byte message before publish");
});

test("finding 6: a trickling client is dropped at the absolute deadline, whatever it sends", async () => {
  const c = await rawRtmp(srv.rtmpPort);
  // One byte every second keeps the inactivity timer happy but never finishes the handshake.
  const trickle = setInterval(() => c.socket.write(Buffer.from([3])), 1000);
  try {
    const after = await within(c.closed, AUTH_DEADLINE_MS + 4000);
    expect(after).not.toBe("timeout");
    expect(after as number).toBeGreaterThanOrEqual(AUTH_DEADLINE_MS - 500);
  } finally {
    clearInterval(trickle);
    c.socket.destroy();
  }
}, 30_000);

test("finding 6: connections per address that have not published are capped", async () => {
  const open = await Promise.all(Array.from({ length: MAX_PENDING_PER_IP }, () => rawRtmp(srv.rtmpPort)));
  await Bun.sleep(200);
  const extra = await rawRtmp(srv.rtmpPort);
  expect(await within(extra.closed, 2000)).not.toBe("timeout");
  for (const c of open) expect(c.socket.destroyed).toBe(false);
  for (const c of open) c.socket.destroy();
  await Promise.all(open.map((c) => c.closed));
  await Bun.sleep(200);
  // Once they are gone, the address may connect again.
  const again = await rawRtmp(srv.rtmpPort);
  expect(await within(again.closed, 500)).toBe("timeout");
  again.socket.destroy();
});

test("finding 7: an RTMP app name with a newline cannot forge a log line", async () => {
  const c = await rawRtmp(srv.rtmpPort);
  await handshake(c);
  const forged = "2026-11-30T00:00:00.000Z FORGED admin logged in";
  c.socket.write(command(Buffer.concat([amfString("connect"), amfNumber(1), amfObject({ app: `live\n${forged}`, tcUrl: "rtmp://127.0.0.1/live" })])));
  c.socket.write(command(Buffer.concat([amfString("createStream"), amfNumber(2), Buffer.from([0x05])])));
  c.socket.write(command(Buffer.concat([amfString("publish"), amfNumber(3), Buffer.from([0x05]), amfString("no-such-key"), amfString("live")]), 1));
  expect(await within(c.closed, 5000)).not.toBe("timeout");
  const out = srv.output();
  expect(out).toContain(`unknown app "live\\n${forged}"`);
  expect(out.split("\n").some((line) => line.startsWith(forged))).toBe(false);
});
