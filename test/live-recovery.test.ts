// A server killed mid-broadcast: on restart the open broadcast becomes a finished replay (ENDLIST), the room is
// offline, and the transcoder it left behind has ended with its stdin.
import { afterAll, expect, test } from "bun:test";
import { removeDir, startServer, tempDataDir } from "./helpers/server";
import { childFfmpegs, ffprobe, publish, waitFor } from "./live-helpers";

const dataDir = tempDataDir();
afterAll(() => removeDir(dataDir));

test("a crash leaves no live room and no open broadcast behind", async () => {
  const first = await startServer({ dataDir, args: ["--segment-seconds", "1"] });
  await first.cli(["user", "create", "--username", "dave", "--password", "secret-pass-1", "--role", "creator"]);
  const room = (await first.cli(["room", "create", "--owner", "dave", "--title", "Crashy"])).json as { slug: string; streamKey: string };
  const p = publish(`${first.rtmpUrl}/${room.streamKey}`, { size: "640x360", seconds: 30 });
  await waitFor("a few segments", async () => {
    const r = await fetch(`${first.url}/live/${room.slug}/360p/index.m3u8`);
    return r.ok && ((await r.text()).match(/\.ts/g) ?? []).length >= 3;
  });
  const orphans = await childFfmpegs(first.proc.pid);
  expect(orphans.length).toBeGreaterThan(0);
  await first.stop("SIGKILL");
  await p.proc.exited;
  // ffmpeg reads the server's pipe: the crash closes it and ffmpeg ends by itself.
  await waitFor("orphaned ffmpeg gone", () => orphans.every((o) => {
    try {
      process.kill(o.pid, 0);
      return false;
    } catch {
      return true;
    }
  }), 5000);

  const second = await startServer({ dataDir, args: ["--segment-seconds", "1"] });
  try {
    expect(((await (await fetch(`${second.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live).toBe(false);
    expect(second.output()).toMatch(/media: closed broadcast \d+ left open by a previous run/);
    const list = await (await fetch(`${second.url}/r/${room.slug}/replays`)).text();
    const id = /href="\/replays\/(\d+)"/.exec(list)?.[1];
    expect(id).toBeDefined();
    const pl = await (await fetch(`${second.url}/replays/${id}/360p/index.m3u8`)).text();
    expect(pl.trimEnd().endsWith("#EXT-X-ENDLIST")).toBe(true);
    expect((await ffprobe(`${second.url}/replays/${id}/index.m3u8`, "format=duration")).code).toBe(0);
  } finally {
    await second.stop();
  }
}, 60_000);
