// Stream health while a real ffmpeg publishes over RTMP: the JSON endpoint and the Studio partial show real
// input and transcode figures; keyframes that do not line up with segments get the OBS advice; only the owner
// (or an admin) may look. Default 2 s segments. Also the fast start: the ladder starts before the second keyframe
// and starts over when the settled probe changes the plan.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";
import type { StreamHealth } from "../server/media/model";

let s: RunningServer;
let token = "";
let other = "";
const publishers: Publisher[] = [];

beforeAll(async () => {
  s = await startServer();
  for (const u of ["alice", "bob"]) expect((await s.cli(["user", "create", "--username", u, "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  token = (await s.cli(["token", "create", "--username", "alice"])).json.token;
  other = (await s.cli(["token", "create", "--username", "bob"])).json.token;
});

afterAll(async () => {
  for (const p of publishers) if (p.proc.exitCode === null) await p.kill();
  await s.stop();
  removeDir(s.dataDir);
});

const health = async (slug: string, bearer = token) =>
  fetch(`${s.url}/api/v1/rooms/${slug}/health`, { headers: { authorization: `Bearer ${bearer}` } });

async function liveRoom(title: string, gop: number): Promise<string> {
  const r = await s.cli(["room", "create", "--owner", "alice", "--title", title]);
  const p = publish(`${s.rtmpUrl}/${r.json.streamKey}`, { size: "640x360", fps: 24, gop, seconds: 40 });
  publishers.push(p);
  await waitFor("live", async () => ((await (await fetch(`${s.url}/api/v1/rooms/${r.json.slug}`)).json()) as { live: boolean }).live, 20_000);
  return r.json.slug;
}

test("2 s keyframes: real input and transcode figures, copied top rung, no advice; the Studio partial shows them", async () => {
  const slug = await liveRoom("Healthy", 48);
  // Let the meters fill a few seconds and a couple of segments land.
  const h = await waitFor("figures", async () => {
    const j = (await (await health(slug)).json()) as StreamHealth;
    return j.input && j.input.fps > 0 && j.latencySeconds !== null && j.transcode?.rungs.every((r) => r.pace !== null) ? j : null;
  }, 30_000, 500);
  expect(h).toMatchObject({ slug, live: true, input: { codec: "h264", width: 640, height: 360, audio: "aac", keyframeSeconds: 2 }, transcode: { level: 0, degraded: false, restarts: 0 } });
  expect(h.input!.profile).toMatch(/^(Baseline|Main|High) \d\.\d$/);
  expect(h.input!.fps).toBeGreaterThan(18);
  expect(h.input!.fps).toBeLessThan(30);
  expect(h.input!.videoKbps).toBeGreaterThan(20);
  expect(h.input!.audioKbps).toBeGreaterThan(20);
  expect(h.startMs).toBeGreaterThan(0);
  expect(h.transcode!.rungs.map((r) => [r.name, r.copy, r.active])).toEqual([["360p", true, true]]);
  expect(h.latencySeconds!).toBeGreaterThan(-1);
  expect(h.latencySeconds!).toBeLessThan(5);
  expect(h.advice).toEqual([]);
  // Fast start: the ladder started on the early verdict and the settled one did not change it.
  expect(s.output()).toContain(`media: ${slug}: source h264 640x360@24`);
  expect(s.output()).toMatch(new RegExp(`media: ${slug}: source h264 640x360@24 ~\\d+ kbps keyframes \\? s, audio aac \\(starting before the second keyframe\\)`));
  expect(s.output()).not.toContain(`media: ${slug}: the source does not fit the early plan`);

  const page = await fetch(`${s.url}/studio/rooms/${slug}/health`, { headers: { authorization: `Bearer ${token}` } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('id="stream-health"');
  expect(html).toContain('hx-trigger="every 3s"');
  expect(html).toMatch(/id="health-keyframes"[^>]*>2\.0 s</);
  expect(html).toContain('id="health-advice-none"');
}, 60_000);

test("4 s keyframes with 2 s segments: the top rung is re-encoded and the advice says what to set in OBS", async () => {
  const slug = await liveRoom("Long GOP", 96);
  // The interval is measured once the second keyframe has arrived (4 s of input, longer on a slow encoder).
  const h = await waitFor("measured keyframes", async () => {
    const j = (await (await health(slug)).json()) as StreamHealth;
    return j.advice.some((a) => a.code === "keyframes" && a.measured !== null) ? j : null;
  }, 30_000, 500);
  expect(h.transcode!.rungs[0]).toMatchObject({ name: "360p", copy: false });
  expect(h.advice).toContainEqual({ code: "keyframes", seconds: 2, measured: expect.any(Number) });
  // The early plan copied the top rung; one segment without a keyframe settled it, and the ladder started over.
  expect(s.output()).toContain(`media: ${slug}: the source does not fit the early plan (360p copy); starting over with 360p`);
  const html = await (await fetch(`${s.url}/studio/rooms/${slug}/health`, { headers: { authorization: `Bearer ${token}` } })).text();
  expect(html).toContain("Set the keyframe interval to 2 s in OBS → Settings → Output");
}, 60_000);

test("only the owner sees it: 401 without a token, 403 for another creator, 404 for no room; offline is live: false", async () => {
  const r = await s.cli(["room", "create", "--owner", "alice", "--title", "Quiet"]);
  expect((await fetch(`${s.url}/api/v1/rooms/${r.json.slug}/health`)).status).toBe(401);
  expect((await health(r.json.slug, other)).status).toBe(403);
  expect((await health("no-such-room")).status).toBe(404);
  const off = await health(r.json.slug);
  expect(off.status).toBe(200);
  expect(await off.json()).toMatchObject({ live: false, input: null, transcode: null, advice: [] });
  const partial = await (await fetch(`${s.url}/studio/rooms/${r.json.slug}/health`, { headers: { authorization: `Bearer ${token}` } })).text();
  expect(partial).toContain("Not live.");
});
