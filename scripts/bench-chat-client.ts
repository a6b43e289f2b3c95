// One client process of scripts/bench-chat: opens N sockets to URL and counts chat messages they receive, with
// delivery latency from the send timestamp embedded in each message ("bench <ms> ..."). Controlled over stdin:
// "reset" starts a measurement window, "report" prints { count, hist } (1 ms latency buckets), "exit" quits.
export {};

const [url = "", countArg = "0", batchArg = "200"] = process.argv.slice(2);
const n = Number(countArg);
const MAX_MS = 20_000;
let hist = new Uint32Array(MAX_MS + 1);
let count = 0;
let opened = 0;
let failed = 0;
const sockets: WebSocket[] = [];
const STAMP = /bench (\d+(?:\.\d+)?) /g;

function onMessage(e: MessageEvent): void {
  const now = performance.timeOrigin + performance.now();
  const data = typeof e.data === "string" ? e.data : "";
  // A room page frame shows a message twice (chat line and danmaku): count each stamp once per frame.
  for (const stamp of new Set(Array.from(data.matchAll(STAMP), (m) => m[1]!))) {
    count++;
    hist[Math.min(MAX_MS, Math.max(0, Math.round(now - Number(stamp))))]!++;
  }
}

async function connectAll(): Promise<void> {
  const batch = Number(batchArg);
  for (let i = 0; i < n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => {
            opened++;
            resolve();
          };
          ws.onerror = () => {
            failed++;
            resolve();
          };
          ws.onmessage = onMessage;
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
    console.log(JSON.stringify({ count, hist: sparse, open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length }));
  } else if (cmd === "exit") {
    for (const s of sockets) s.close();
    process.exit(0);
  }
}
