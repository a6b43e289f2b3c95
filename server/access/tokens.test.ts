// The media token is nginx secure_link's format: pinned here against a value computed the way nginx's docs do
// (echo -n "<expires><prefix> <secret>" | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =).
import { expect, test } from "bun:test";
import { checkMedia, signMedia, signPlaylist } from "./tokens";

test("signMedia matches openssl's MD5 of the nginx expression, base64url without padding", async () => {
  const proc = Bun.spawn(["sh", "-c", `printf %s "2147483647/live/room-a/ s3cret" | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =`], { stdout: "pipe" });
  const want = (await new Response(proc.stdout).text()).trim();
  expect(want).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(signMedia("s3cret", "/live/room-a/", 2147483647)).toBe(want);
});

test("checkMedia: missing, invalid, expired, ok", () => {
  const q = (s: string) => s;
  const md5 = signMedia("k", "/live/a/", 100);
  expect(checkMedia("k", "/live/a/", q(""), 50)).toBe("missing");
  expect(checkMedia("k", "/live/a/", q(`md5=${md5}`), 50)).toBe("invalid");
  expect(checkMedia("k", "/live/a/", q(`md5=${md5}&expires=101`), 50)).toBe("invalid");
  expect(checkMedia("k", "/live/b/", q(`md5=${md5}&expires=100`), 50)).toBe("invalid");
  expect(checkMedia("other", "/live/a/", q(`md5=${md5}&expires=100`), 50)).toBe("invalid");
  expect(checkMedia("k", "/live/a/", q(`md5=${md5}x&expires=100`), 50)).toBe("invalid");
  expect(checkMedia("k", "/live/a/", q(`md5=${md5}&expires=100`), 100)).toBe("expired");
  expect(checkMedia("k", "/live/a/", q(`md5=${md5}&expires=100`), 99)).toBe("ok");
});

test("signPlaylist puts the token on every URI, including LL-HLS and fMP4 tags, once", () => {
  const text = [
    "#EXTM3U",
    '#EXT-X-MAP:URI="init.mp4"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="audio/index.m3u8"',
    "#EXTINF:1.0,",
    "r0_1.ts",
    '#EXT-X-PART:DURATION=0.2,URI="part1.m4s",INDEPENDENT=YES',
    '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part2.m4s?_HLS_x=1"',
    "already.m4s?md5=abc&expires=1",
    "",
  ].join("\n");
  expect(signPlaylist("#EXTM3U\r\n\na.ts\r\nb.ts", "q=1")).toBe("#EXTM3U\r\n\na.ts?q=1\nb.ts?q=1");
  expect(signPlaylist(text, "md5=T&expires=9")).toBe(
    [
      "#EXTM3U",
      '#EXT-X-MAP:URI="init.mp4?md5=T&expires=9"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="audio/index.m3u8?md5=T&expires=9"',
      "#EXTINF:1.0,",
      "r0_1.ts?md5=T&expires=9",
      '#EXT-X-PART:DURATION=0.2,URI="part1.m4s?md5=T&expires=9",INDEPENDENT=YES',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part2.m4s?_HLS_x=1&md5=T&expires=9"',
      "already.m4s?md5=abc&expires=1",
      "",
    ].join("\n"),
  );
});
