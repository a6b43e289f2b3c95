// HLS on a `--role web` process (docs/operations.md, "Running several processes"): a real ffmpeg publishes into
// the owner (A); the web process (B) serves the standard room's playlists and segments from the shared data
// directory, and relays the low-latency room's blocking playlist requests and parts to the owner. Chat posted on B
// during the broadcast is attached to it (B learned of the broadcast from the owner).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { llRuleProblems } from "./llhls-rules";
import { startRedis, type RunningRedis } from "./helpers/redis";
import { removeDir, startServer, startWebProcess, type RunningServer } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";
import { WsClient } from "./realtime-client";
import { cliOk } from "./shop-helpers";

let redis: RunningRedis;
let a: RunningServer;
let b: RunningServer;
let std: { slug: string; streamKey: string };
let low: { slug: string; streamKey: string };
const pubs: Publisher[] = [];

beforeAll(async () => {
  redis = await startRedis();
  a = await startServer({ args: ["--redis-url", redis.url, "--ladder", "360"] });
  b = await startWebProcess(a, redis.url, { args: ["--ladder", "360"] });
  await cliOk(a, ["user", "create", "--username", "caster", "--password", "password123", "--role", "creator"]);
  std = await cliOk(a, ["room", "create", "--owner", "caster", "--title", "Standard"]);
  low = await cliOk(a, ["room", "create", "--owner", "caster", "--title", "Low"]);
  await cliOk(a, ["room", "latency", "--room", low.slug, "--mode", "low"]);
  for (const r of [std, low]) pubs.push(publish(`${a.rtmpUrl}/${r.streamKey}`, { size: "640x360", seconds: 40 }));
}, 60_000);

afterAll(async () => {
  for (const p of pubs) if (p.proc.exitCode === null) await p.kill();
  await b?.stop();
  await a?.stop();
  await redis?.stop();
  if (a) removeDir(a.dataDir);
}, 60_000);

/** The last listed part: its segment's media sequence number and its index within that segment. */
function edge(text: string): { msn: number; part: number } {
  let msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
  let part = -1;
  for (const l of text.trim().split("\n")) {
    if (l.startsWith("#EXT-X-PART:")) part++;
    else if (l.startsWith("#EXTINF:")) {
      msn++;
      part = -1;
    }
  }
  return { msn, part };
}

const live = (srv: RunningServer, slug: string) => async () => ((await (await fetch(`${srv.url}/api/v1/rooms/${slug}`)).json()) as { live: boolean }).live;

describe("HLS through the web process", () => {
  test("standard room: master, rendition playlist and segments come from the shared directory", async () => {
    await waitFor("standard room live on B", live(b, std.slug), 30_000);
    const master = await fetch(`${b.url}/live/${std.slug}/index.m3u8`);
    expect(master.status).toBe(200);
    const rung = /^(\d+p)\/index\.m3u8$/m.exec(await master.text())![1]!;
    const pl = await waitFor("a rendition playlist with a segment on B", async () => {
      const r = await fetch(`${b.url}/live/${std.slug}/${rung}/index.m3u8`);
      const text = r.status === 200 ? await r.text() : "";
      return /^r\d+_\d+\.ts$/m.test(text) ? text : null;
    }, 20_000);
    const seg = /^(r\d+_\d+\.ts)$/m.exec(pl)![1]!;
    const res = await fetch(`${b.url}/live/${std.slug}/${rung}/${seg}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp2t");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    // A blocking reload for the next segment waits on the owner's output (relayed) and lists it.
    const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(pl)![1]);
    const next = seq + pl.split("\n").filter((l) => l.endsWith(".ts")).length;
    const blocked = await fetch(`${b.url}/live/${std.slug}/${rung}/index.m3u8?_HLS_msn=${next}`);
    expect(blocked.status).toBe(200);
    const text = await blocked.text();
    const listed = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]) + text.split("\n").filter((l) => l.endsWith(".ts")).length - 1;
    expect(listed).toBeGreaterThanOrEqual(next);
    expect((await fetch(`${b.url}/live/${std.slug}/${rung}/index.m3u8?_HLS_msn=${next + 50}`)).status).toBe(400);
  }, 60_000);

  test("low-latency room: B answers a blocking reload and a hinted part by relaying to the owner", async () => {
    await waitFor("low-latency room live on B", live(b, low.slug), 30_000);
    const master = await (await fetch(`${b.url}/live/${low.slug}/index.m3u8`)).text();
    const rung = /^(\d+p)\/index\.m3u8$/m.exec(master)![1]!;
    const url = (q = "") => `${b.url}/live/${low.slug}/${rung}/index.m3u8${q}`;
    const text = await waitFor("an LL playlist on B", async () => {
      const r = await fetch(url());
      return r.status === 200 ? r.text() : null;
    }, 20_000);
    expect(llRuleProblems(text)).toEqual([]);
    const msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]) + (text.match(/^#EXTINF:/gm)?.length ?? 0);
    // The segment being written: ask for its part 1, which does not exist yet; the owner holds the request.
    const t0 = performance.now();
    const blocked = await fetch(url(`?_HLS_msn=${msn}&_HLS_part=1`));
    expect(blocked.status).toBe(200);
    const after = await blocked.text();
    const e = edge(after);
    expect(e.msn > msn || (e.msn === msn && e.part >= 1)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5_000);
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(after)![1]!;
    const part = await fetch(`${b.url}/live/${low.slug}/${rung}/${hint}`);
    expect(part.status).toBe(200);
    expect(part.headers.get("content-type")).toBe("video/mp4");
    expect((await part.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const init = /#EXT-X-MAP:URI="([^"?]+)/.exec(after)![1]!;
    expect((await fetch(`${b.url}/live/${low.slug}/${rung}/${init}`)).status).toBe(200);
    // Impossible values are still refused by the owner's rules.
    expect((await fetch(url(`?_HLS_part=1`))).status).toBe(400);
  }, 60_000);

  test("stream health asked on B is the owner's: live, with the input's numbers; the caller's credentials still count", async () => {
    await waitFor("standard room live on B", live(b, std.slug), 30_000);
    const token = (await cliOk(a, ["token", "create", "--username", "caster"])).token;
    const health = (srv: RunningServer) => fetch(`${srv.url}/api/v1/rooms/${std.slug}/health`, { headers: { authorization: `Bearer ${token}` } });
    const onB = await waitFor("health with input numbers on B", async () => {
      const r = await health(b);
      const h = r.status === 200 ? ((await r.json()) as { live: boolean; input: { fps: number } | null }) : null;
      return h?.live && h.input && h.input.fps > 0 ? h : null;
    }, 20_000);
    expect(onB.live).toBe(true);
    expect(((await (await health(a)).json()) as { live: boolean }).live).toBe(true);
    // No credentials: refused on B itself; a viewer who does not manage the room: refused.
    expect((await fetch(`${b.url}/api/v1/rooms/${std.slug}/health`)).status).toBe(401);
    await cliOk(a, ["user", "create", "--username", "viewer", "--password", "password123", "--role", "viewer"]);
    const other = (await cliOk(a, ["token", "create", "--username", "viewer"])).token;
    expect((await fetch(`${b.url}/api/v1/rooms/${std.slug}/health`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
  }, 40_000);

  test("likes through both processes during the broadcast: both announce the same running total", async () => {
    await waitFor("standard room live on B", live(b, std.slug), 30_000);
    const socket = async (srv: RunningServer, name: string) => {
      await cliOk(a, ["user", "create", "--username", name, "--password", "password123", "--role", "viewer"]);
      const token = (await cliOk(a, ["token", "create", "--username", name])).token;
      return WsClient.open(`${srv.url.replace("http", "ws")}/api/v1/rooms/${std.slug}/events?token=${token}`);
    };
    const [onA, onB] = [await socket(a, "liker-a"), await socket(b, "liker-b")];
    try {
      for (let i = 0; i < 3; i++) onA.send({ type: "like" });
      for (let i = 0; i < 2; i++) onB.send({ type: "like" });
      const totals = (c: WsClient) => c.events().filter((e) => e.type === "like").map((e) => e.total as number);
      for (const c of [onA, onB]) await c.waitEvent((e) => e.type === "like" && e.total === 5, "a like event with the total 5");
      for (const c of [onA, onB]) expect(Math.max(...totals(c))).toBe(5);
    } finally {
      onA.close();
      onB.close();
    }
  }, 40_000);

  test("chat posted on B during the broadcast belongs to it", async () => {
    const token = (await cliOk(a, ["token", "create", "--username", "caster"])).token;
    const r = await fetch(`${b.url}/api/v1/rooms/${std.slug}/chat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text: "on air via B" }) });
    expect(r.status).toBe(201);
    const db = new Database(join(a.dataDir, "livehouse.db"), { readonly: true });
    try {
      const row = db.query<{ broadcast_id: number | null }, [string]>("SELECT broadcast_id FROM chat_messages WHERE text = ?").get("on air via B");
      expect(row?.broadcast_id).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
