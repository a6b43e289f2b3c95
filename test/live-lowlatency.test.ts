// Low-latency mode end to end: a real ffmpeg publishes over RTMP into a room set to `room latency --mode low`;
// its LL-HLS playlists follow Apple's rules, blocking reloads answer when the part appears, bad _HLS_* values get
// 400, delta updates skip, hinted parts block, tokens in the query reach every URI, and the replay plays (ffprobe).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { llRuleProblems } from "./llhls-rules";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { ffprobe, publish, transcodersOf, waitFor, type Publisher } from "./live-helpers";

let s: RunningServer;
let room: { slug: string; streamKey: string };
let pub: Publisher | null = null;

beforeAll(async () => {
  s = await startServer();
  await s.cli(["user", "create", "--username", "lola", "--password", "secret-pass-1", "--role", "creator"]);
  room = (await s.cli(["room", "create", "--owner", "lola", "--title", "Low Latency Room"])).json;
}, 60_000);

afterAll(async () => {
  if (pub && pub.proc.exitCode === null) await pub.kill();
  await s?.stop();
  if (s) removeDir(s.dataDir);
}, 60_000);

const live = async () => ((await (await fetch(`${s.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live;
const rungUrl = (rung: string, q = "") => `${s.url}/live/${room.slug}/${rung}/index.m3u8${q}`;

/** The last listed part (msn, index within its segment) and the hinted part's URI. */
function edge(text: string): { msn: number; part: number; hint: string } {
  const lines = text.trim().split("\n");
  let msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
  let part = -1;
  for (const l of lines) {
    if (l.startsWith("#EXT-X-PART:")) part++;
    else if (l.startsWith("#EXTINF:")) {
      msn++;
      part = -1;
    }
  }
  return { msn, part, hint: /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(text)![1]! };
}

describe("room latency CLI", () => {
  test("shows the instance default, sets low, refuses a bad mode with a clear error", async () => {
    expect((await s.cli(["room", "latency", "--room", room.slug])).json).toEqual({ slug: room.slug, mode: "standard", default: true, appliesFrom: "the next publish" });
    const bad = await s.cli(["room", "latency", "--room", room.slug, "--mode", "ultra"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--mode: "ultra" must be standard or low');
    const set = await s.cli(["room", "latency", "--room", room.slug, "--mode", "low"]);
    expect(set.code).toBe(0);
    expect(set.json).toEqual({ slug: room.slug, mode: "low", default: false, appliesFrom: "the next publish" });
  });
});

describe("a live low-latency room", () => {
  let rungs: string[] = [];

  test("publishes a master with every rung and LL-HLS media playlists that follow Apple's rules", async () => {
    pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 40 });
    await waitFor("room live", live, 20_000);
    const master = await fetch(`${s.url}/live/${room.slug}/index.m3u8`);
    expect(master.status).toBe(200);
    const text = await master.text();
    rungs = [...text.matchAll(/^(\d+p)\/index\.m3u8$/gm)].map((m) => m[1]!);
    expect(rungs).toEqual(["480p", "360p"]);
    for (const rung of rungs) {
      const res = await fetch(rungUrl(rung));
      expect(res.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      const pl = await res.text();
      expect(llRuleProblems(pl)).toEqual([]);
      expect(pl).toContain("#EXT-X-PART-INF:PART-TARGET=0.250");
      expect(pl).toMatch(/#EXT-X-RENDITION-REPORT:URI="\.\.\/\d+p\/index\.m3u8",LAST-MSN=\d+,LAST-PART=\d+/);
    }
  }, 40_000);

  test("blocking reload: a request for the next part is answered as soon as it exists, with that part listed", async () => {
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const now = edge(await (await fetch(rungUrl("480p"))).text());
      const t0 = performance.now();
      const res = await fetch(rungUrl("480p", `?_HLS_msn=${now.msn}&_HLS_part=${now.part + 1}`));
      const waited = performance.now() - t0;
      expect(res.status).toBe(200);
      const after = edge(await res.text());
      // The answer lists the part asked for (or, across a segment boundary, the next segment's first one).
      expect(after.msn > now.msn || after.part >= now.part + 1).toBe(true);
      timings.push(waited);
    }
    // Parts come every ~0.2 s: each blocked request waited for one, none ran into the 3 s timeout.
    expect(Math.max(...timings)).toBeLessThan(800);
    expect(timings.some((t) => t > 20)).toBe(true);
  }, 20_000);

  test("impossible _HLS_* values get 400 at once; a request far ahead is refused, not held", async () => {
    const now = edge(await (await fetch(rungUrl("480p"))).text());
    for (const q of [`?_HLS_msn=${now.msn + 2}`, "?_HLS_part=1", "?_HLS_msn=abc", `?_HLS_msn=${now.msn}&_HLS_part=99`, "?_HLS_skip=NO"]) {
      const t0 = performance.now();
      const res = await fetch(rungUrl("480p", q));
      expect([q, res.status]).toEqual([q, 400]);
      expect(performance.now() - t0).toBeLessThan(300);
      expect(((await res.json()) as { error: string }).error).toMatch(/_HLS_/);
    }
  });

  test("the hinted part blocks until written and is served immutable; segments and init are video/mp4", async () => {
    const pl = await (await fetch(rungUrl("360p"))).text();
    const { hint } = edge(pl);
    const res = await fetch(`${s.url}/live/${room.slug}/360p/${hint}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()).subarray(4, 8))).toBe("moof");
    const seg = /^(s\d+\.m4s)$/m.exec(pl)![1];
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(pl)![1];
    for (const f of [seg, init]) {
      const r = await fetch(`${s.url}/live/${room.slug}/360p/${f}`);
      expect([f, r.status, r.headers.get("content-type")]).toEqual([f, 200, "video/mp4"]);
    }
    expect((await fetch(`${s.url}/live/${room.slug}/360p/p999999.m4s`)).status).toBe(404);
    expect((await fetch(`${s.url}/live/${room.slug}/360p/..%2Finit0.mp4`)).status).toBe(404);
  });

  test("the playlist's query string (minus _HLS_*) is on every URI it lists: a token reaches parts and segments", async () => {
    const pl = await (await fetch(rungUrl("480p", "?token=t0k%2Bn&_HLS_skip=YES"))).text();
    const uris = [...pl.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]!).concat(pl.split("\n").filter((l) => l && !l.startsWith("#")));
    expect(uris.length).toBeGreaterThan(5);
    for (const u of uris) expect(u).toEndWith("?token=t0k%2Bn");
  });

  test("delta update: _HLS_skip=YES skips the old segments with EXT-X-SKIP once the window is long enough", async () => {
    await waitFor("a window longer than 6 s", async () => ((await (await fetch(rungUrl("480p"))).text()).match(/#EXTINF/g)?.length ?? 0) >= 9, 15_000, 250);
    const full = await (await fetch(rungUrl("480p"))).text();
    const delta = await (await fetch(rungUrl("480p", "?_HLS_skip=YES"))).text();
    const skipped = Number(/#EXT-X-SKIP:SKIPPED-SEGMENTS=(\d+)/.exec(delta)?.[1]);
    expect(skipped).toBeGreaterThan(0);
    expect(llRuleProblems(delta, { delta: true })).toEqual([]);
    expect(delta.length).toBeLessThan(full.length);
    expect(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(delta)![1]).toBe(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(full)![1]);
  }, 20_000);

  test("a blocking request that cannot be answered in 3 target durations gets 503; a poster is cut from the fMP4", async () => {
    const poster = await waitFor("poster", async () => {
      const r = await fetch(`${s.url}/live/${room.slug}/poster.jpg`);
      return r.ok ? r : null;
    }, 15_000, 250);
    expect(poster.headers.get("content-type")).toBe("image/jpeg");
    const [transcoder] = await transcodersOf(s.proc.pid);
    const now = edge(await (await fetch(rungUrl("480p"))).text());
    // A frozen ffmpeg (well inside the watchdog's patience) makes no new parts.
    process.kill(transcoder!.pid, "SIGSTOP");
    try {
      await Bun.sleep(300);
      const stalled = edge(await (await fetch(rungUrl("480p"))).text());
      const t0 = performance.now();
      const res = await fetch(rungUrl("480p", `?_HLS_msn=${stalled.msn}&_HLS_part=${stalled.part + 1}`));
      const waited = performance.now() - t0;
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(waited).toBeGreaterThan(2900);
      expect(waited).toBeLessThan(4500);
      expect(stalled.msn >= now.msn).toBe(true);
    } finally {
      process.kill(transcoder!.pid, "SIGCONT");
    }
    const after = edge(await (await fetch(rungUrl("480p"))).text());
    const res = await fetch(rungUrl("480p", `?_HLS_msn=${after.msn}&_HLS_part=${after.part + 1}`));
    expect(res.status).toBe(200);
  }, 30_000);

  test("a transcoder killed mid-stream is restarted: a discontinuity and the new run's init map, rules still hold", async () => {
    const [transcoder] = await transcodersOf(s.proc.pid);
    process.kill(transcoder!.pid, "SIGKILL");
    const pl = await waitFor("the restarted run's segments", async () => {
      const text = await (await fetch(rungUrl("360p"))).text();
      return /#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1\.mp4"\n#EXT-X-PROGRAM-DATE-TIME:.*\n(#EXT-X-PART:.*\n)*#EXTINF/.test(text) ? text : null;
    }, 15_000, 200);
    expect(llRuleProblems(pl)).toEqual([]);
    const next = edge(pl);
    const res = await fetch(rungUrl("360p", `?_HLS_msn=${next.msn}&_HLS_part=${next.part + 1}`));
    expect(res.status).toBe(200);
  }, 30_000);

  test("the replay of the low-latency broadcast is an fMP4 VOD that ffprobe plays to the end", async () => {
    await pub!.stop();
    await waitFor("room offline", async () => !(await live()), 15_000);
    const list = await (await fetch(`${s.url}/r/${room.slug}/replays`)).text();
    const id = /href="\/replays\/(\d+)"/.exec(list)![1];
    const playlist = await (await fetch(`${s.url}/replays/${id}/480p/index.m3u8`)).text();
    expect(playlist).toContain('#EXT-X-MAP:URI="init0.mp4"');
    // The restart above: the replay switches init segments behind a discontinuity.
    expect(playlist).toContain('#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1.mp4"');
    expect(playlist.trim().endsWith("#EXT-X-ENDLIST")).toBe(true);
    const probe = await ffprobe(`${s.url}/replays/${id}/index.m3u8`, "stream=codec_type,codec_name:format=duration");
    expect(probe.code).toBe(0);
    const j = JSON.parse(probe.out) as { streams: { codec_type: string; codec_name: string }[]; format: { duration: string } };
    expect(j.streams.map((x) => x.codec_name)).toContain("h264");
    expect(j.streams.map((x) => x.codec_name)).toContain("aac");
    expect(Number(j.format.duration)).toBeGreaterThan(8);
    // Decoding every frame of the lowest rung's replay finds no broken data.
    const dec = Bun.spawn(["ffmpeg", "-v", "error", "-i", `${s.url}/replays/${id}/360p/index.m3u8`, "-f", "null", "-"], { stdout: "ignore", stderr: "pipe" });
    const [err, code] = [await new Response(dec.stderr).text(), await dec.exited];
    expect(code).toBe(0);
    expect(err.trim()).toBe("");
  }, 60_000);
});
