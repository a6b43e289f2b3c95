// The baseline for scripts/bench-hls: a bare Bun.serve file server over one folder, with the same HLS headers.
const root = process.argv[2]!;
const TYPES: Record<string, string> = { m3u8: "application/vnd.apple.mpegurl", ts: "video/mp2t" };
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 404 });
    const ext = path.slice(path.lastIndexOf(".") + 1);
    const file = Bun.file(root + path);
    return file.exists().then((ok) =>
      ok
        ? new Response(file, { headers: { "content-type": TYPES[ext] ?? "application/octet-stream", "cache-control": ext === "ts" ? "public, max-age=31536000, immutable" : "no-cache" } })
        : new Response("not found", { status: 404 }),
    );
  },
});
console.log(server.port);
