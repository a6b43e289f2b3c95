// Retention and crash recovery of broadcasts, on a real SQLite file and real folders (no ffmpeg needed).
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser } from "../accounts/accounts";
import { loadConfig } from "../config";
import { migrate } from "../db/migrate";
import { openDb } from "../db/open";
import { SCHEMAS } from "../db/schema";
import { createBus } from "../events/bus";
import { createRoom } from "../rooms/rooms";
import { broadcastDir, createMedia } from "./lifecycle";
import { SourceProbe } from "./probe";
import * as store from "./storage";

const dir = mkdtempSync(join(tmpdir(), "lh-media-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

async function setup(retentionDays: number) {
  const config = loadConfig(["--data-dir", join(dir, String(retentionDays)), "--replay-retention-days", String(retentionDays)], {});
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDb(join(config.dataDir, "livehouse.db"));
  migrate(db, SCHEMAS);
  const now = 1000 * DAY;
  const deps = { config, db, moneyDb: openDb(join(config.dataDir, "livehouse.db"), "money"), bus: createBus(), now: () => now, log: () => {} };
  const user = await createUser(db, { username: "erin", password: "secret-pass-1", role: "creator" });
  if (!user.ok) throw new Error("user");
  const room = createRoom(db, user.value, { title: "Retention", description: "", category: "other", tags: "" });
  if (!room.ok) throw new Error("room");
  const make = (startedAt: number, endedAt: number | null, durationMs: number) => {
    const id = store.insertBroadcast(db, room.value.id, startedAt);
    if (endedAt !== null) store.endBroadcast(db, id, endedAt, durationMs);
    mkdirSync(join(broadcastDir(deps, id), "360p"), { recursive: true });
    return id;
  };
  return { deps, db, now, make, media: createMedia(deps) };
}

test("replays older than the retention are deleted with their folders; recent ones stay", async () => {
  const { deps, db, now, make, media } = await setup(30);
  const old = make(now - 40 * DAY, now - 40 * DAY + 60_000, 60_000);
  const recent = make(now - 2 * DAY, now - 2 * DAY + 60_000, 60_000);
  const empty = make(now - 1000, now - 500, 0);
  media.sweep();
  expect(store.getBroadcast(db, old)).toBeNull();
  expect(existsSync(broadcastDir(deps, old))).toBe(false);
  expect(store.getBroadcast(db, empty)).toBeNull();
  expect(store.getBroadcast(db, recent)).not.toBeNull();
  expect(existsSync(broadcastDir(deps, recent))).toBe(true);
});

test("retention 0 keeps replays forever", async () => {
  const { db, now, make, media } = await setup(0);
  const old = make(now - 400 * DAY, now - 399 * DAY, 60_000);
  media.sweep();
  expect(store.getBroadcast(db, old)).not.toBeNull();
});

test("recovery closes a broadcast a crash left open: ENDLIST appended, duration from the playlist", async () => {
  const { deps, db, now, make, media } = await setup(7);
  const open = make(now - 5000, null, 0);
  store.setBroadcastLadder(db, open, ["360p"]);
  const pl = join(broadcastDir(deps, open), "360p", "replay.m3u8");
  writeFileSync(pl, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.000000,\nr0_0.ts\n#EXTINF:0.500000,\nr0_1.ts\n");
  media.recover();
  expect(readFileSync(pl, "utf8").trimEnd().endsWith("#EXT-X-ENDLIST")).toBe(true);
  expect(store.getBroadcast(db, open)).toMatchObject({ endedAt: now, durationMs: 1500 });
  expect(store.openBroadcasts(db)).toEqual([]);
});

test("the probe refuses enhanced-RTMP HEVC at once and audio-only after 3 s", () => {
  const hevc = new SourceProbe(1);
  expect(hevc.push({ type: "video", ts: 0, keyframe: true, config: true, videoCodec: "hevc", payload: new Uint8Array() })).toEqual({
    state: "refused", reason: "video codec hevc (enhanced RTMP) is not supported; publish H.264",
  });
  const radio = new SourceProbe(1);
  expect(radio.push({ type: "audio", ts: 0, keyframe: false, config: true, audioCodec: "aac", payload: new Uint8Array([0x12, 0x10]) }).state).toBe("waiting");
  expect(radio.push({ type: "audio", ts: 3100, keyframe: false, config: false, audioCodec: "aac", payload: new Uint8Array() }).state).toBe("refused");
});
