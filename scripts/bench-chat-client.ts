// One client process of scripts/bench-chat and scripts/bench-scale: opens N sockets to URL and counts the chat
// messages they receive; with FIRST_SENDER (a bot's JSON socket URL with its token), the N sockets are senders
// numbered from it, which after "start W" keep W messages each in flight, their own message coming back being the
// acknowledgement. Controlled over stdin: "reset" starts a measurement window, "report" prints
// { count, reads, open, sent }, "start W" sets the senders' window (0 stops them), "exit" quits.
// Usage: bench-chat-client.ts URL N [PACE_US] [FIRST_SENDER]
// The sockets speak WebSocket from a small C loop (bench-chat-client.c, compiled by bun:ffi's built-in TinyCC)
// and only count "¶bench", which the senders begin each message with, in the byte stream (frames from the server
// are unmasked, so the text is there as sent).
// A JavaScript socket cost ~20 µs of CPU per read here, as much as the server spends writing it; on a 2-core
// machine such clients took the CPU a second server process needs, and the figures described the clients.
import { cc } from "bun:ffi";
import { join } from "node:path";

const [url = "", countArg = "0", paceArg = "0", firstSender = "-1"] = process.argv.slice(2);
const target = new URL(url);
if (target.hostname !== "127.0.0.1" && target.hostname !== "localhost") throw new Error("bench-chat-client: 127.0.0.1 only");

const { symbols: c } = cc({
  source: join(import.meta.dir, "bench-chat-client.c"),
  symbols: {
    open_sockets: { args: ["int", "cstring", "int", "int", "int"], returns: "int" },
    start_sending: { args: ["int"], returns: "void" },
    take_sent: { args: [], returns: "i64" },
    pump: { args: ["int", "int"], returns: "void" },
    take_count: { args: [], returns: "i64" },
    take_reads: { args: [], returns: "i64" },
    reset_counts: { args: [], returns: "void" },
    open_count: { args: [], returns: "int" },
    close_all: { args: [], returns: "void" },
  },
});

const n = Number(countArg);
const pace = Number(paceArg);
const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
const upgrade = Buffer.from(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n\0`);
const open = c.open_sockets(Number(target.port), upgrade, upgrade.length - 1, n, Number(firstSender));
console.log(JSON.stringify({ ready: true, open, failed: n - open }));

let running = true;
void (async () => {
  const lines = console as unknown as AsyncIterable<string>;
  for await (const line of lines) {
    const cmd = line.trim();
    if (cmd === "reset") {
      c.reset_counts();
      console.log(JSON.stringify({ reset: true }));
    } else if (cmd === "report") {
      console.log(JSON.stringify({ count: Number(c.take_count()), reads: Number(c.take_reads()), open: c.open_count(), sent: Number(c.take_sent()) }));
    } else if (cmd.startsWith("start ")) {
      c.start_sending(Number(cmd.slice(6)));
      console.log(JSON.stringify({ started: true }));
    } else if (cmd === "exit") {
      running = false;
    }
  }
  running = false;
})();
// Read in 20 ms turns; between them the event loop takes the commands on stdin.
while (running) {
  c.pump(20, pace);
  await Bun.sleep(1);
}
c.close_all();
process.exit(0);
