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
// Latency is read on a sample of sockets; every socket counts deliveries, cheaply, so the clients (which share the
// machine with the server) spend as little CPU as possible.
const SAMPLED = 25;

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
          ws.onmessage = counter(sockets.length < SAMPLED);
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
