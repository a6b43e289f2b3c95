// One client process of scripts/bench-chat: opens N sockets to URL and counts chat messages they receive, with
// delivery latency from the send timestamp embedded in each message ("bench <ms> ..."). Controlled over stdin:
// "reset" starts a measurement window, "report" prints { count, hist } (1 ms latency buckets), "exit" quits.
export {};

const [url = "", countArg = "0", batchArg = "200", sampledArg = "0"] = process.argv.slice(2);
const n = Number(countArg);
const MAX_MS = 20_000;
let hist = new Uint32Array(MAX_MS + 1);
let count = 0;
let opened = 0;
let failed = 0;
let rawUpgraded = 0;
let rawClosed = 0;
const openRaw = () => rawUpgraded - rawClosed;
const sockets: WebSocket[] = [];
const STAMP = /bench (\d+(?:\.\d+)?) /g;
// Latency is read on the first `sampled` sockets (WebSocket clients); the rest only count deliveries, cheaply.
const SAMPLED = Number(sampledArg);

function counter(sampled: boolean): (e: MessageEvent) => void {
  return (e) => {
    const data = typeof e.data === "string" ? e.data : "";
    let i = data.indexOf("bench ");
    while (i >= 0) {
      count++;
      i = data.indexOf("bench ", i + 6);
    }
    if (!sampled) return;
    const now = performance.timeOrigin + performance.now();
    for (const m of data.matchAll(STAMP)) hist[Math.min(MAX_MS, Math.max(0, Math.round(now - Number(m[1]))))]! += 1;
  };
}

// Counting sockets speak WebSocket over a raw TCP socket and only count "bench " in the byte stream (frames from
// the server are unmasked, so the text is there as sent): no per-frame JS event, no string decoding. This keeps
// the clients — which share the machine with the server — cheap enough that the figures describe the server.
const NEEDLE = Buffer.from("bench ");
const target = new URL(url);
const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
const upgrade = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
const rawSockets: { end(): void }[] = [];

function rawCounter(resolve: () => void): Promise<unknown> {
  let handshake = "";
  let upgraded = false;
  let carry = Buffer.alloc(0);
  return Bun.connect({
    hostname: target.hostname,
    port: Number(target.port),
    socket: {
      open(sock) {
        rawSockets.push(sock);
        sock.write(upgrade);
      },
      data(_sock, chunk) {
        let buf: Buffer = chunk;
        if (!upgraded) {
          handshake += chunk.toString("latin1");
          const end = handshake.indexOf("\r\n\r\n");
          if (end < 0) return;
          upgraded = handshake.startsWith("HTTP/1.1 101");
          if (upgraded) (opened++, rawUpgraded++);
          else failed++;
          resolve();
          buf = Buffer.from(handshake.slice(end + 4), "latin1");
        }
        // Keep the last few bytes so a needle split between two reads is still found once.
        const hay = carry.length ? Buffer.concat([carry, buf]) : buf;
        let i = hay.indexOf(NEEDLE);
        while (i >= 0) {
          count++;
          i = hay.indexOf(NEEDLE, i + NEEDLE.length);
        }
        carry = Buffer.from(hay.subarray(Math.max(0, hay.length - (NEEDLE.length - 1))));
        if (carry.includes(NEEDLE)) carry = Buffer.alloc(0);
      },
      close() {
        if (upgraded) rawClosed++;
        else resolve();
      },
      error() {
        failed++;
        resolve();
      },
    },
  });
}

async function connectAll(): Promise<void> {
  const batch = Number(batchArg);
  for (let i = 0; i < n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, k) =>
        new Promise<void>((resolve) => {
          if (i + k >= SAMPLED) {
            rawCounter(resolve).catch(() => {
              failed++;
              resolve();
            });
            return;
          }
          const ws = new WebSocket(url);
          ws.onopen = () => {
            opened++;
            resolve();
          };
          ws.onerror = () => {
            failed++;
            resolve();
          };
          ws.onmessage = counter(true);
          sockets.push(ws);
        }),
      ),
    );
  }
}

await connectAll();
console.log(JSON.stringify({ ready: true, open: opened, failed }));
const lines = console as unknown as AsyncIterable<string>;
for await (const line of lines) {
  const cmd = line.trim();
  if (cmd === "reset") {
    hist = new Uint32Array(MAX_MS + 1);
    count = 0;
    console.log(JSON.stringify({ reset: true }));
  } else if (cmd === "report") {
    const sparse: [number, number][] = [];
    hist.forEach((v, i) => v && sparse.push([i, v]));
    console.log(JSON.stringify({ count, hist: sparse, open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length + openRaw() }));
  } else if (cmd === "exit") {
    for (const s of sockets) s.close();
    for (const s of rawSockets) s.end();
    process.exit(0);
  }
}
