// Debian's nginx in front of the real server, configured with the block docs/access.md shows: it validates our
// signed media URLs at the edge (secure_link) — tampered and expired ones never reach Livehouse — caches one copy
// of a segment for every viewer's signature, and never serves a paid segment to an unsigned request.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { signMedia } from "../server/access/tokens";
import { freePort, removeDir, ROOT, startServer, tempDataDir, type RunningServer } from "./helpers/server";

const SECRET = "edge-test-secret-0123456789";
let srv: RunningServer;
let nginx: Subprocess | null = null;
let edge = "";
const nginxDir = tempDataDir("lh-nginx-");
const replays = { paid: 0, open: 0 };
const nowSec = () => Math.floor(Date.now() / 1000);
const signed = (id: number, expires: number) => `md5=${signMedia(SECRET, `/replays/${id}/`, expires)}&expires=${expires}`;

/** A finished broadcast written the way the media domain leaves one: a row and its files. */
function addReplay(db: Database, roomId: number): number {
  const id = Number(db.query("INSERT INTO broadcasts (room_id, started_at, ended_at, duration_ms, ladder) VALUES (?, 1, 2, 1000, '[\"240p\"]') RETURNING id").values(roomId)[0]![0]);
  const dir = join(srv.dataDir, "media", "broadcasts", String(id), "240p");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "replay.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nr0_0.ts\n#EXT-X-ENDLIST\n");
  writeFileSync(join(dir, "r0_0.ts"), new Uint8Array(188 * 100).fill(0x47));
  return id;
}

beforeAll(async () => {
  srv = await startServer({ args: ["--media-token-secret", SECRET] });
  await srv.cli(["user", "create", "--username", "carol", "--password", "secret-pass-1", "--role", "creator"]);
  const paid = (await srv.cli(["room", "create", "--owner", "carol", "--title", "Paid Room"])).json;
  const open = (await srv.cli(["room", "create", "--owner", "carol", "--title", "Open Room"])).json;
  expect((await srv.cli(["room", "access", "--room", paid.slug, "--mode", "members"])).code).toBe(0);
  const db = new Database(join(srv.dataDir, "livehouse.db"));
  replays.paid = addReplay(db, paid.id);
  replays.open = addReplay(db, open.id);
  db.close();

  // The config block of docs/access.md, with this test's secret, ports and directories.
  const doc = readFileSync(join(ROOT, "docs/access.md"), "utf8");
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)![1]!;
  const port = await freePort();
  const conf = block
    .replaceAll("SECRET", SECRET)
    .replaceAll("127.0.0.1:8080", `127.0.0.1:${srv.httpPort}`)
    .replace("listen 80;", `listen 127.0.0.1:${port};`)
    .replace("/var/cache/nginx/livehouse", join(nginxDir, "cache"));
  const temp = (name: string) => `${name} ${join(nginxDir, name)};`;
  writeFileSync(
    join(nginxDir, "nginx.conf"),
    `daemon off; master_process off; pid ${join(nginxDir, "nginx.pid")}; error_log ${join(nginxDir, "error.log")} warn;
events { worker_connections 64; }
http { access_log off; ${temp("client_body_temp_path")} ${temp("proxy_temp_path")} ${temp("fastcgi_temp_path")} ${temp("uwsgi_temp_path")} ${temp("scgi_temp_path")}
${conf}
}\n`,
  );
  nginx = Bun.spawn(["/usr/sbin/nginx", "-p", nginxDir, "-c", join(nginxDir, "nginx.conf")], { stdout: "pipe", stderr: "pipe" });
  edge = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${edge}/healthz`);
      return;
    } catch {}
    await Bun.sleep(50);
  }
  throw new Error(`nginx did not start: ${await new Response(nginx.stderr as ReadableStream).text()}`);
}, 60_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill();
    await nginx.exited;
  }
  await srv?.stop();
  removeDir(srv.dataDir);
  removeDir(nginxDir);
});

test("nginx validates our signature at the edge, caches one copy, and keeps unsigned requests away from paid media", async () => {
  const seg = (id: number, q = "") => `${edge}/replays/${id}/240p/r0_0.ts${q ? `?${q}` : ""}`;
  // Signed by us, checked by nginx's secure_link, served through its cache.
  const first = await fetch(seg(replays.paid, signed(replays.paid, nowSec() + 60)));
  expect(first.status).toBe(200);
  expect((await first.arrayBuffer()).byteLength).toBe(18_800);

  // Refused by nginx itself (its own HTML page, not our JSON): tampered, expired, another replay's.
  for (const q of [
    signed(replays.paid, nowSec() + 60).replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 1}`),
    signed(replays.paid, nowSec() - 1),
    signed(replays.open, nowSec() + 60),
  ]) {
    const res = await fetch(seg(replays.paid, q));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("nginx");
  }
  // Unsigned: passed to Livehouse, which refuses the paid room (JSON) and serves the public one.
  const unsigned = await fetch(seg(replays.paid));
  expect(unsigned.status).toBe(403);
  expect(await unsigned.json()).toEqual({ error: "access denied (missing token)" });
  expect((await fetch(seg(replays.open))).status).toBe(200);

  // With Livehouse down, another viewer's fresh signature is still served from the edge's one cached copy,
  // while an unsigned request for the paid segment gets nothing from that cache.
  await srv.stop();
  const cached = await fetch(seg(replays.paid, signed(replays.paid, nowSec() + 120)));
  expect(cached.status).toBe(200);
  expect((await cached.arrayBuffer()).byteLength).toBe(18_800);
  expect((await fetch(seg(replays.paid))).status).toBe(502);
  expect((await fetch(seg(replays.paid, signed(replays.paid, nowSec() - 1)))).status).toBe(403);
}, 60_000);
