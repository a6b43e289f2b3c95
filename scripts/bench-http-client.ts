// The page-load generator of scripts/bench-scale: C keep-alive connections to one URL, flat out for a fixed time
// (bench-http-client.c, compiled by bun:ffi's built-in TinyCC). Prints { ok, errors, p99Ms }.
// Usage: bench-http-client.ts URL CONNECTIONS MILLISECONDS
import { cc } from "bun:ffi";
import { join } from "node:path";

const [url = "", connsArg = "1", msArg = "1000"] = process.argv.slice(2);
const u = new URL(url);
if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") throw new Error("bench-http-client: 127.0.0.1 only");
const { symbols: c } = cc({
  source: join(import.meta.dir, "bench-http-client.c"),
  symbols: {
    run: { args: ["int", "cstring", "int", "int", "int"], returns: "i64" },
    error_count: { args: [], returns: "i64" },
    p99_us: { args: [], returns: "i64" },
  },
});
const req = Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/html\r\n\r\n\0`);
const ok = Number(c.run(Number(u.port), req, req.length - 1, Number(connsArg), Number(msArg)));
console.log(JSON.stringify({ ok, errors: Number(c.error_count()), p99Ms: Number(c.p99_us()) / 1000 }));
