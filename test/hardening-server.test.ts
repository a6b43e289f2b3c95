// Hardening regressions that need the real server process and raw sockets: body limits refused before the body
// is buffered (finding 11).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
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
