import { expect, test } from "bun:test";
import { pointPlaylistAt, retryDelayMs, uploadPlan } from "./model";

test("upload plan: segments, init segments and poster first, then rendition playlists, then the master; live files skipped", () => {
  const files = ["index.m3u8", "poster.jpg", "poster.tmp.jpg", "720p/index.m3u8", "720p/replay.m3u8", "720p/r0_1.ts", "720p/r0_0.ts", "240p/replay.m3u8", "240p/s3.m4s", "240p/init0.mp4", "240p/p12.m4s", "720p/index.m3u8.tmp"];
  const plan = uploadPlan("replays/7-ab/", files);
  expect(plan.map((o) => [o.local, o.key, o.type])).toEqual([
    ["240p/init0.mp4", "replays/7-ab/240p/init0.mp4", "video/mp4"],
    ["240p/s3.m4s", "replays/7-ab/240p/s3.m4s", "video/mp4"],
    ["720p/r0_0.ts", "replays/7-ab/720p/r0_0.ts", "video/mp2t"],
    ["720p/r0_1.ts", "replays/7-ab/720p/r0_1.ts", "video/mp2t"],
    ["poster.jpg", "replays/7-ab/poster.jpg", "image/jpeg"],
    ["240p/replay.m3u8", "replays/7-ab/240p/index.m3u8", "application/vnd.apple.mpegurl"],
    ["720p/replay.m3u8", "replays/7-ab/720p/index.m3u8", "application/vnd.apple.mpegurl"],
    ["index.m3u8", "replays/7-ab/index.m3u8", "application/vnd.apple.mpegurl"],
  ]);
  expect(uploadPlan("p/", ["720p/r0_0.ts"]).some((o) => o.kind === "master")).toBe(false);
});

test("a playlist pointed at the bucket: segment lines and EXT-X-MAP, tags and the query of ours dropped", () => {
  const text = '#EXTM3U\n#EXT-X-MAP:URI="init0.mp4?md5=x&expires=1"\n#EXTINF:2.0,\ns0.m4s\n#EXTINF:2.0,\ns1.m4s?md5=x\n#EXT-X-ENDLIST\n';
  expect(pointPlaylistAt(text, (n) => `https://b.example/r/${n}?sig`)).toBe(
    '#EXTM3U\n#EXT-X-MAP:URI="https://b.example/r/init0.mp4?sig"\n#EXTINF:2.0,\nhttps://b.example/r/s0.m4s?sig\n#EXTINF:2.0,\nhttps://b.example/r/s1.m4s?sig\n#EXT-X-ENDLIST\n',
  );
});

test("retries back off from 1 s to 5 minutes and never stop", () => {
  expect([1, 2, 3, 4, 9, 10, 50].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
});
