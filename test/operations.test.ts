// Operations on the real server: Admin → System (versions, disk, database, log lines with secrets masked, webhook
// log), scheduled snapshots with retention, and a restore (snapshot copied into a fresh data dir, server started,
// the data is there) exactly as docs/operations.md describes; the allocator setting serve restarts itself with.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { removeDir, startServer, tempDataDir, type RunningServer } from "./helpers/server";
import { WebSession } from "./helpers/session";
import { publish, waitFor } from "./live-helpers";

let s: RunningServer;
let room: { slug: string; streamKey: string };
const dirs: string[] = [];
const snapshots = (dataDir: string) => readdirSync(join(dataDir, "backups")).filter((n) => /^livehouse-\d{8}T\d{6}Z\.db$/.test(n)).sort();

beforeAll(async () => {
  s = await startServer({ args: ["--segment-seconds", "1", "--backup-every", "2s", "--backup-keep", "2"] });
  dirs.push(s.dataDir);
  expect((await s.cli(["user", "create", "--username", "root", "--password", "secret-pass-1", "--role", "admin"])).code).toBe(0);
  expect((await s.cli(["user", "create", "--username", "alice", "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  room = (await s.cli(["room", "create", "--owner", "alice", "--title", "Ops room"])).json;
}, 90_000);

afterAll(async () => {
  await s.stop();
  for (const d of dirs) removeDir(d);
});

const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");

test("serve restarts itself in place so the allocator keeps freed memory; a value the admin set is kept", async () => {
  // Same pid as the one spawned without the variable: it re-executed itself (server/ops/allocator.ts).
  expect(environ(s.proc.pid)).toContain("MIMALLOC_PURGE_DELAY=-1");
  const own = await startServer({ env: { MIMALLOC_PURGE_DELAY: "250" } });
  dirs.push(own.dataDir);
  try {
    expect(environ(own.proc.pid)).toContain("MIMALLOC_PURGE_DELAY=250");
    expect(environ(own.proc.pid)).not.toContain("MIMALLOC_PURGE_DELAY=-1");
  } finally {
    await own.stop();
  }
});

test("Admin → System shows versions, replay disk use, database size, masked log lines and the webhook log", async () => {
  const pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 4 });
  await waitFor("live", async () => (await fetch(`${s.url}/live/${room.slug}/index.m3u8`)).ok, 20_000);
  await pub.proc.exited;
  await waitFor("offline", () => s.output().includes(`${room.slug} is offline`), 15_000);
  // a refused publish with a well-formed key: the key must not reach the page
  const bogus = publish(`${s.rtmpUrl}/live_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ`, { seconds: 2 });
  await bogus.proc.exited;

  const admin = new WebSession(s.url);
  await admin.login("root", "secret-pass-1");
  const { res, body } = await admin.page("/admin/system");
  expect(res.status).toBe(200);
  expect(body).toMatch(/Livehouse \d+\.\d+\.\d+ \(source\) · Bun \d/);
  expect(body).toMatch(/SQLite 3\.\d+/);
  expect(body).toMatch(/ffmpeg \S+/);
  expect(body).toMatch(/id="disk-replays">\d+(\.\d)? (KB|MB)</);
  expect(body).toMatch(/id="db-size">\d+(\.\d)? (KB|MB)</);
  expect(body).toContain(`${room.slug} is offline`);
  expect(body).toContain("id=\"webhook-log\"");
  expect(body).not.toContain(room.streamKey);
  expect(body).not.toContain("live_ZZZZZZZZZZZZZZZZ");

  const viewer = new WebSession(s.url);
  await viewer.login("alice", "secret-pass-1");
  expect((await viewer.page("/admin/system")).res.status).toBe(403);
}, 60_000);

test("scheduled snapshots keep the newest --backup-keep", async () => {
  await waitFor("three snapshot rounds", () => s.output().split("backup: snapshot ").length - 1 >= 3, 20_000);
  expect(snapshots(s.dataDir).length).toBe(2);
  expect(readdirSync(join(s.dataDir, "backups")).some((n) => n.endsWith(".partial"))).toBe(false);
}, 90_000);

test("restore: a snapshot copied into an empty data dir starts and has the data", async () => {
  const snap = join(s.dataDir, "backups", snapshots(s.dataDir).at(-1)!);
  const fresh = tempDataDir("lh-restore-");
  dirs.push(fresh);
  copyFileSync(snap, join(fresh, "livehouse.db"));
  const r = await startServer({ dataDir: fresh });
  try {
    const api = await fetch(`${r.url}/api/v1/rooms/${room.slug}`);
    expect(api.status).toBe(200);
    expect(((await api.json()) as { title: string }).title).toBe("Ops room");
    const admin = new WebSession(r.url);
    await admin.login("root", "secret-pass-1");
    expect((await admin.page("/admin")).res.status).toBe(200);
  } finally {
    await r.stop();
  }
}, 90_000);
