// One client process of scripts/bench-chat: opens N sockets to URL and counts the chat messages they receive
// (latency is read by the observer sockets in bench-chat itself). Controlled over stdin: "reset" starts a
// measurement window, "report" prints { count, open }, "exit" quits.
export {};

const [url = "", countArg = "0", batchArg = "200"] = process.argv.slice(2);
const n = Number(countArg);
let count = 0;
let failed = 0;
let rawUpgraded = 0;
let rawClosed = 0;

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
          if (upgraded) rawUpgraded++;
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
      Array.from({ length: Math.min(batch, n - i) }, () =>
        new Promise<void>((resolve) => {
          rawCounter(resolve).catch(() => {
            failed++;
            resolve();
          });
        }),
      ),
    );
  }
}

await connectAll();
console.log(JSON.stringify({ ready: true, open: rawUpgraded, failed }));
const lines = console as unknown as AsyncIterable<string>;
for await (const line of lines) {
  const cmd = line.trim();
  if (cmd === "reset") {
    count = 0;
    console.log(JSON.stringify({ reset: true }));
  } else if (cmd === "report") {
    console.log(JSON.stringify({ count, open: rawUpgraded - rawClosed }));
  } else if (cmd === "exit") {
    for (const s of rawSockets) s.end();
    process.exit(0);
  }
}
