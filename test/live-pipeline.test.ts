// The live pipeline end to end: real ffmpeg publishing over RTMP to the real server, HLS read back over HTTP,
// segments checked with ffprobe. One server for the file (1 s segments, default reconnect grace).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { ffprobe, publish, transcodersOf, waitFor, type Publisher } from "./live-helpers";

let s: RunningServer;
const rooms: Record<string, { slug: string; streamKey: string }> = {};
const publishers: Publisher[] = [];

async function room(name: string): Promise<{ slug: string; streamKey: string }> {
  const r = await s.cli(["room", "create", "--owner", "alice", "--title", name]);
  expect(r.code).toBe(0);
  return (rooms[name] = r.json);
}

function pub(key: string, o: Parameters<typeof publish>[1] = {}): Publisher {
  const p = publish(`${s.rtmpUrl}/${key}`, o);
  publishers.push(p);
  return p;
}

const api = async (slug: string) => (await fetch(`${s.url}/api/v1/rooms/${slug}`)).json() as Promise<{ live: boolean; hls: string | null }>;
const text = async (path: string) => {
  const r = await fetch(s.url + path);
  return r.ok ? r.text() : null;
};
const transcoders = () => transcodersOf(s.proc.pid);

beforeAll(async () => {
  s = await startServer({ args: ["--segment-seconds", "1"] });
  expect((await s.cli(["user", "create", "--username", "alice", "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  await room("Main");
  await room("Flappy");
  await room("Odd");
});

afterAll(async () => {
  for (const p of publishers) if (p.proc.exitCode === null) await p.kill();
  await s.stop();
  removeDir(s.dataDir);
});

describe("refusals", () => {
  test("an unknown stream key is refused before any media flows, logged with the address", async () => {
    const p = pub("live_notARealKeyButWellFormed0");
    expect(await p.proc.exited).not.toBe(0);
    expect(p.stderr()).toContain("invalid stream key");
    expect(s.output()).toContain("rtmp: refused publish from 127.0.0.1: unknown or rotated stream key");
    expect(await transcoders()).toEqual([]);
  });

  test("a rotated key is refused at once", async () => {
    const r = await room("Rotated");
    const rotated = await s.cli(["room", "key", "--room", r.slug, "--rotate"]);
    expect(rotated.code).toBe(0);
    const p = pub(r.streamKey);
    expect(await p.proc.exited).not.toBe(0);
    expect(p.stderr()).toContain("invalid stream key");
    expect((await api(r.slug)).live).toBe(false);
  });

  test("garbage bytes on the RTMP port do not take the server down", async () => {
    for (const payload of [Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Buffer.alloc(4000, 0xff), Buffer.concat([Buffer.from([3]), Buffer.alloc(1536 * 2, 7)])]) {
      await new Promise<void>((resolve) => {
        const sock = connect(s.rtmpPort, "127.0.0.1", () => sock.end(payload));
        sock.on("close", () => resolve());
        sock.on("error", () => resolve());
        setTimeout(() => (sock.destroy(), resolve()), 300);
      });
    }
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.proc.exitCode).toBeNull();
  });

  test("an audio-only stream is refused with a clear log line", async () => {
    const r = await room("Radio");
    const p = pub(r.streamKey, { video: false, seconds: 10 });
    await p.proc.exited;
    expect(s.output()).toContain(`media: ${r.slug}: refusing the stream from 127.0.0.1: no video in the first 3 s`);
    expect((await api(r.slug)).live).toBe(false);
  });
});

describe("a live broadcast", () => {
  let main: Publisher;
  let master = "";

  test("publishing makes the master and every rendition playlist appear, and the room live", async () => {
    const expectOffline = await api(rooms.Main!.slug);
    expect(expectOffline.live).toBe(false);
    expect((await fetch(`${s.url}/live/${rooms.Main!.slug}/index.m3u8`)).status).toBe(404);
    main = pub(rooms.Main!.streamKey);
    master = await waitFor("master playlist", () => text(`/live/${rooms.Main!.slug}/index.m3u8`));
    // 854x480 source with 1 s keyframes: the source is copied as the top rung, 360p is encoded; no rung above it.
    const inf = master.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF:"));
    expect(inf).toHaveLength(2);
    for (const l of inf) expect(l).toMatch(/BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=\d+x\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",FRAME-RATE=24\.000/);
    expect(inf[0]).toContain("RESOLUTION=854x480");
    expect(inf[1]).toContain("RESOLUTION=640x360");
    expect(master).toContain("480p/index.m3u8");
    expect(master).toContain("360p/index.m3u8");
    const state = await api(rooms.Main!.slug);
    expect(state.live).toBe(true);
    expect(state.hls).toBe(`/live/${rooms.Main!.slug}/index.m3u8`);
  });

  test("segments decode at the expected resolutions, with program date times near arrival", async () => {
    for (const [rung, w, h] of [["480p", 854, 480], ["360p", 640, 360]] as const) {
      const pl = await waitFor(`${rung} playlist with 2 segments`, async () => {
        const t = await text(`/live/${rooms.Main!.slug}/${rung}/index.m3u8`);
        return t && (t.match(/\.ts/g) ?? []).length >= 2 ? t : null;
      });
      expect(pl).toContain("#EXT-X-PROGRAM-DATE-TIME:");
      expect(pl).toContain("#EXT-X-INDEPENDENT-SEGMENTS");
      const seg = pl.split("\n").find((l) => l.endsWith(".ts"))!;
      const probe = await ffprobe(`${s.url}/live/${rooms.Main!.slug}/${rung}/${seg}`);
      expect(probe.code).toBe(0);
      const streams = JSON.parse(probe.out).streams as { codec_type: string; codec_name: string; width?: number; height?: number }[];
      expect(streams.find((x) => x.codec_type === "video")).toMatchObject({ codec_name: "h264", width: w, height: h });
      expect(streams.find((x) => x.codec_type === "audio")).toMatchObject({ codec_name: "aac" });
      const pdt = Date.parse(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/.exec(pl)![1]!);
      expect(Math.abs(Date.now() - pdt)).toBeLessThan(60_000);
    }
  });

  test("HLS is served with the right types, cache headers, ranges and strict names", async () => {
    const slug = rooms.Main!.slug;
    const m = await fetch(`${s.url}/live/${slug}/index.m3u8`);
    expect(m.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(m.headers.get("cache-control")).toBe("no-cache");
    const pl = (await text(`/live/${slug}/360p/index.m3u8`))!;
    const seg = pl.split("\n").find((l) => l.endsWith(".ts"))!;
    const full = await fetch(`${s.url}/live/${slug}/360p/${seg}`);
    expect(full.headers.get("content-type")).toBe("video/mp2t");
    expect(full.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const bytes = new Uint8Array(await full.arrayBuffer());
    const part = await fetch(`${s.url}/live/${slug}/360p/${seg}`, { headers: { range: "bytes=188-375" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 188-375/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(188, 376));
    expect((await fetch(`${s.url}/live/${slug}/360p/${seg}`, { headers: { range: "bytes=99999999-" } })).status).toBe(416);
    for (const bad of [`/live/${slug}/360p/..%2F..%2Flivehouse.db`, `/live/${slug}/..%2F360p/ffmpeg.m3u8`, `/live/${slug}/360p/ffmpeg.m3u8`, `/live/${slug}/360p/r0_0.mp4`, `/live/no-such-room/index.m3u8`, `/live/${slug}/999p/index.m3u8`, `/replays/0/index.m3u8`, `/replays/abc/index.m3u8`]) {
      expect([bad, (await fetch(s.url + bad)).status]).toEqual([bad, 404]);
    }
  });

  test("blocking reload on standard playlists: _HLS_msn for the next segment is answered when it is listed; bad values 400", async () => {
    const slug = rooms.Main!.slug;
    const pl = (await text(`/live/${slug}/360p/index.m3u8`))!;
    const td = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(pl)![1]);
    expect(pl).toContain(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=${(3 * td).toFixed(1)}`);
    const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(pl)![1]);
    const last = seq + pl.split("\n").filter((l) => l.endsWith(".ts")).length - 1;
    // Already listed: at once, the same playlist.
    const now = await fetch(`${s.url}/live/${slug}/360p/index.m3u8?_HLS_msn=${last}`);
    expect(now.status).toBe(200);
    // The next one: held until it exists (a 503 would mean it did not come within 3 target durations), then it is
    // listed.
    const next = await fetch(`${s.url}/live/${slug}/360p/index.m3u8?_HLS_msn=${last + 1}`);
    expect(next.status).toBe(200);
    const body = await next.text();
    const names = body.split("\n").filter((l) => l.endsWith(".ts"));
    const newSeq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(body)![1]);
    expect(newSeq + names.length - 1).toBeGreaterThanOrEqual(last + 1);
    for (const [q, status] of [["_HLS_msn=abc", 400], ["_HLS_part=1", 400], [`_HLS_msn=${last + 50}`, 400]] as const) {
      const r = await fetch(`${s.url}/live/${slug}/360p/index.m3u8?${q}`);
      expect([q, r.status]).toEqual([q, status]);
      expect(((await r.json()) as { error: string }).error).toMatch(/_HLS_/);
    }
  });

  test("a second publisher on a live room is refused", async () => {
    const second = pub(rooms.Main!.streamKey, { seconds: 5 });
    expect(await second.proc.exited).not.toBe(0);
    expect(second.stderr()).toContain("already live");
    expect(s.output()).toContain(`room ${rooms.Main!.slug} already has a publisher`);
    expect(main.proc.exitCode).toBeNull();
  });

  test("a killed ffmpeg is restarted while the publisher stays; viewers see a discontinuity", async () => {
    const [before] = await transcoders();
    expect(before).toBeDefined();
    process.kill(before!.pid, "SIGKILL");
    const after = await waitFor("a new transcoder", async () => (await transcoders()).find((p) => p.pid !== before!.pid));
    expect(after.pid).not.toBe(before!.pid);
    const pl = await waitFor("segments of the second run", async () => {
      const t = await text(`/live/${rooms.Main!.slug}/360p/index.m3u8`);
      return t?.includes("r1_") ? t : null;
    });
    expect(pl).toContain("#EXT-X-DISCONTINUITY");
    expect(s.output()).toMatch(/transcoder: ffmpeg run 0 exited \(.*\); restarting in 250 ms/);
    expect((await api(rooms.Main!.slug)).live).toBe(true);
  });

  test("a frozen ffmpeg (not reading its input) is killed and restarted instead of buffering the feed", async () => {
    const [frozen] = await transcoders();
    expect(frozen).toBeDefined();
    process.kill(frozen!.pid, "SIGSTOP");
    try {
      await waitFor("the stall to be noticed", () => /is frozen: no CPU time for 1\d s; killing it/.test(s.output()), 30_000, 250);
      const next = await waitFor("a new transcoder", async () => (await transcoders()).find((p) => p.pid !== frozen!.pid), 10_000);
      expect(next.pid).not.toBe(frozen!.pid);
      expect((await api(rooms.Main!.slug)).live).toBe(true);
    } finally {
      try {
        process.kill(frozen!.pid, "SIGCONT");
      } catch {}
    }
  }, 60_000);

  test("publisher stops: offline within 5 s, no ffmpeg left, and the replay plays", async () => {
    const slug = rooms.Main!.slug;
    await main.stop();
    const stopped = Date.now();
    await waitFor("room offline", async () => !(await api(slug)).live, 5000, 50);
    expect(Date.now() - stopped).toBeLessThan(5000);
    await waitFor("no transcoder left", async () => (await transcoders()).length === 0, 3000);
    expect((await fetch(`${s.url}/live/${slug}/index.m3u8`)).status).toBe(404);

    const page = await text(`/r/${slug}/replays`);
    const id = /href="\/replays\/(\d+)"/.exec(page ?? "")?.[1];
    expect(id).toBeDefined();
    const replayMaster = (await text(`/replays/${id}/index.m3u8`))!;
    expect(replayMaster).toBe(master);
    for (const rung of ["480p", "360p"]) {
      const pl = (await text(`/replays/${id}/${rung}/index.m3u8`))!;
      expect(pl.trimEnd().endsWith("#EXT-X-ENDLIST")).toBe(true);
      expect(pl).toContain("#EXT-X-DISCONTINUITY");
    }
    const probe = await ffprobe(`${s.url}/replays/${id}/index.m3u8`, "format=duration");
    expect(probe.code).toBe(0);
    expect(Number(JSON.parse(probe.out).format.duration)).toBeGreaterThan(3);
    expect((await fetch(`${s.url}/replays/${id}`)).status).toBe(200);
  });
});

describe("reconnect grace and ladder choice", () => {
  test("a dropped encoder that comes back within the grace continues the same broadcast; one that does not goes offline", async () => {
    const r = rooms.Flappy!;
    // Keyframes every 2 s against 1 s segments: the source cannot be copied, so the top rung is re-encoded.
    const first = pub(r.streamKey, { gop: 48 });
    const master = await waitFor("master playlist", () => text(`/live/${r.slug}/index.m3u8`));
    expect(master).toContain('RESOLUTION=854x480,CODECS="avc1.4d401f');
    await first.kill();
    const again = pub(r.streamKey, { gop: 48 });
    await waitFor("reconnect noticed", () => s.output().includes(`rtmp: ${r.slug} publisher reconnected`), 5000);
    // The transcoder starts a new run on the reconnected encoder's clock: a discontinuity, same playlist.
    const pl = await waitFor("segments of the resumed run", async () => {
      const t = await text(`/live/${r.slug}/360p/index.m3u8`);
      return t?.includes("r1_") ? t : null;
    }, 10_000);
    expect(pl).toContain("#EXT-X-DISCONTINUITY");
    const pdts = [...pl.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/g)].map((m) => Date.parse(m[1]!));
    expect(Math.abs(Date.now() - pdts[pdts.length - 1]!)).toBeLessThan(5000);
    expect((await api(r.slug)).live).toBe(true);
    await again.kill();
    const dropped = Date.now();
    await waitFor("room offline after the grace", async () => !(await api(r.slug)).live, 8000, 50);
    // Default grace is 3 s: a dropped encoder shows offline after it, still within 5 s.
    expect(Date.now() - dropped).toBeGreaterThan(2500);
    expect(Date.now() - dropped).toBeLessThan(5000);
    const page = (await text(`/r/${r.slug}/replays`))!;
    expect(page.match(/href="\/replays\/\d+"/g)).toHaveLength(1);
  }, 30_000);

  test("a room's own ladder applies from its next publish; a bad ladder is refused", async () => {
    const r = rooms.Odd!;
    const bad = await s.cli(["room", "ladder", "--room", r.slug, "--ladder", "720,abc"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--ladder");
    const set = await s.cli(["room", "ladder", "--room", r.slug, "--ladder", "360"]);
    expect(set.code).toBe(0);
    expect(set.json).toMatchObject({ slug: r.slug, ladder: ["360p"], default: false });
    const p = pub(r.streamKey, { seconds: 20 });
    const master = await waitFor("master playlist", () => text(`/live/${r.slug}/index.m3u8`));
    expect(master.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF:"))).toEqual([expect.stringContaining("RESOLUTION=640x360")]);
    await p.stop();
    const reset = await s.cli(["room", "ladder", "--room", r.slug, "--default"]);
    expect(reset.json).toMatchObject({ ladder: ["1080p", "720p", "480p", "360p"], default: true });
  }, 30_000);
});
