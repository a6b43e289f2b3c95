// The media token is nginx secure_link's format: pinned here against a value computed the way nginx's docs do
// (echo -n "<expires><prefix> <secret>" | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =).
import { expect, test } from "bun:test";
import { checkMedia, createPlaylistSigner, signMedia, signPlaylist, tokenExpiry } from "./tokens";

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

test("tokenExpiry: now + ttl rounded down to a tenth of the ttl (at most a minute), so one step shares a signature", () => {
  const t0 = 1_790_000_040_000; // a multiple of 60 s
  expect(tokenExpiry(t0, 300)).toBe(t0 / 1000 + 300);
  expect(tokenExpiry(t0 + 29_999, 300)).toBe(t0 / 1000 + 300);
  expect(tokenExpiry(t0 + 30_000, 300)).toBe(t0 / 1000 + 330);
  expect(tokenExpiry(t0 + 59_000, 3600)).toBe(t0 / 1000 + 3600);
  // A 2 s ttl keeps whole seconds; a token never outlives now + ttl, nor falls short of it by a step.
  expect(tokenExpiry(t0 + 1_500, 2)).toBe(t0 / 1000 + 3);
  for (const ttl of [2, 9, 60, 300, 86_400]) {
    for (let ms = 0; ms < 120_000; ms += 777) {
      const now = t0 + ms;
      const e = tokenExpiry(now, ttl);
      expect(e).toBeLessThanOrEqual(Math.floor(now / 1000) + ttl);
      expect(e).toBeGreaterThan(Math.floor(now / 1000) + ttl - Math.max(1, Math.min(60, Math.floor(ttl / 10))));
    }
  }
});

test("the playlist signer builds a body once per (playlist, token) and never hands one token's body to another", () => {
  const sign = createPlaylistSigner(4, 1000);
  const text = "#EXTM3U\n#EXTINF:1,\na.ts\n#EXTINF:1,\nb.ts\n";
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);
  const a1 = sign(text, "md5=A&expires=1");
  expect(sign(text, "md5=A&expires=1")).toBe(a1);
  const b = sign(text, "md5=B&expires=2");
  expect(dec(a1)).toBe(signPlaylist(text, "md5=A&expires=1"));
  expect(dec(b)).toBe(signPlaylist(text, "md5=B&expires=2"));
  // A new version of a live playlist is a new template; bounded in templates and bytes, still correct.
  for (let i = 0; i < 50; i++) {
    const v = `${text}#EXTINF:1,\nc${i}.ts\n`;
    expect(dec(sign(v, `md5=Q${i % 9}&expires=3`))).toBe(signPlaylist(v, `md5=Q${i % 9}&expires=3`));
  }
  expect(dec(sign(text, "md5=A&expires=1"))).toBe(signPlaylist(text, "md5=A&expires=1"));
});
