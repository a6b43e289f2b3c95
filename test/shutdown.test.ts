// Graceful shutdown of the real server: SIGTERM while a room is live ends the broadcast into a closed replay and
// leaves one self-contained database file (no -wal); a second signal exits at once.
import { afterEach, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function liveServer(): Promise<{ s: RunningServer; slug: string; pub: Publisher }> {
  const s = await startServer({ args: ["--segment-seconds", "1"] });
  cleanup.push(async () => {
    await s.stop("SIGKILL");
    removeDir(s.dataDir);
  });
  expect((await s.cli(["user", "create", "--username", "alice", "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  const room = (await s.cli(["room", "create", "--owner", "alice", "--title", "Shutdown"])).json as { slug: string; streamKey: string };
  const pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 30 });
  cleanup.push(async () => {
    if (pub.proc.exitCode === null) await pub.kill();
  });
  await waitFor("a playable stream", async () => (await fetch(`${s.url}/live/${room.slug}/index.m3u8`)).ok, 20_000);
  return { s, slug: room.slug, pub };
}

test("SIGTERM while live: exit 0 within the bound, the replay is closed, no WAL file is left", async () => {
  const { s } = await liveServer();
  const t0 = performance.now();
  s.proc.kill("SIGTERM");
  expect(await s.proc.exited).toBe(0);
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(8_000);
  expect(s.output()).toContain("shutdown: done");

  const files = readdirSync(s.dataDir);
  expect(files).toContain("livehouse.db");
  expect(files).not.toContain("livehouse.db-wal");
  expect(files).not.toContain("livehouse.db-shm");

  const db = new Database(join(s.dataDir, "livehouse.db"), { readonly: true });
  const rows = db.query("SELECT id, ended_at AS endedAt, duration_ms AS durationMs FROM broadcasts").all() as { id: number; endedAt: number | null; durationMs: number }[];
  const live = db.query("SELECT count(*) AS n FROM rooms WHERE live_since IS NOT NULL").get() as { n: number };
  db.close();
  expect(rows.length).toBe(1);
  expect(rows[0]!.endedAt).not.toBeNull();
  expect(rows[0]!.durationMs).toBeGreaterThan(0);
  expect(live.n).toBe(0);
  const dir = join(s.dataDir, "media", "broadcasts", String(rows[0]!.id));
  const replays = readdirSync(dir).map((r) => join(dir, r, "replay.m3u8")).filter((p) => existsSync(p));
  expect(replays.length).toBeGreaterThan(0);
  for (const p of replays) expect(readFileSync(p, "utf8").trimEnd()).toEndWith("#EXT-X-ENDLIST");
}, 60_000);

test("a second signal exits at once with 130", async () => {
  const { s } = await liveServer();
  s.proc.kill("SIGTERM");
  await waitFor("the first signal to be taken", () => s.output().includes("SIGTERM: stopping"), 5_000, 5);
  s.proc.kill("SIGTERM");
  expect(await s.proc.exited).toBe(130);
  expect(s.output()).toContain("again: exiting now");
}, 60_000);
