// The page-load generator of scripts/bench-scale: C keep-alive connections flat out for a fixed time, from one
// loop (bench-http-client.c, compiled by bun:ffi's built-in TinyCC). With a second URL (same path, another port)
// every other connection goes there. With PACE_US > 0 the loop waits that long after each wake-up before it reads
// (bench-http-client.c). Prints { ok, errors, p99Ms }.
// Usage: bench-http-client.ts URL CONNECTIONS MILLISECONDS PACE_US [SECOND_URL]
import { cc } from "bun:ffi";
import { join } from "node:path";

const [url = "", connsArg = "1", msArg = "1000", paceArg = "0", second = ""] = process.argv.slice(2);
const u = new URL(url);
const v = second ? new URL(second) : null;
for (const x of [u, v]) if (x && x.hostname !== "127.0.0.1" && x.hostname !== "localhost") throw new Error("bench-http-client: 127.0.0.1 only");
if (v && v.pathname + v.search !== u.pathname + u.search) throw new Error("bench-http-client: both URLs must have the same path");
const { symbols: c } = cc({
  source: join(import.meta.dir, "bench-http-client.c"),
  symbols: {
    run: { args: ["int", "int", "cstring", "int", "int", "int", "int"], returns: "i64" },
    error_count: { args: [], returns: "i64" },
    p99_us: { args: [], returns: "i64" },
  },
});
const req = Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/html\r\n\r\n\0`);
const ok = Number(c.run(Number(u.port), v ? Number(v.port) : 0, req, req.length - 1, Number(connsArg), Number(msArg), Number(paceArg)));
console.log(JSON.stringify({ ok, errors: Number(c.error_count()), p99Ms: Number(c.p99_us()) / 1000 }));
