import { expect, test } from "bun:test";
import { createPlaylistGzip } from "./playlist-gzip";

const req = (enc?: string) => new Request("http://x/p.m3u8", { headers: enc ? { "accept-encoding": enc } : {} });
const text = "#EXTM3U\n" + Array.from({ length: 200 }, (_, i) => `#EXTINF:1,\nr0_${i}.ts?md5=abc&expires=1\n`).join("");

test("a playlist is gzipped from its second serve, only for clients that accept gzip, and decodes to itself", () => {
  const gzip = createPlaylistGzip();
  expect(gzip(text, req()).gzip).toBe(false);
  expect(gzip(text, req("br")).gzip).toBe(false);
  const first = gzip(text, req("gzip, deflate"));
  expect(first.gzip).toBe(false);
  expect(new TextDecoder().decode(first.body as Uint8Array)).toBe(text);
  const second = gzip(text, req("gzip, deflate"));
  expect(second.gzip).toBe(true);
  expect(second.body.length).toBeLessThan(text.length / 5);
  expect(new TextDecoder().decode(Bun.gunzipSync(second.body as Uint8Array<ArrayBuffer>))).toBe(text);
  expect(gzip("#EXTM3U\na.ts\n", req("gzip"))).toEqual({ body: "#EXTM3U\na.ts\n", gzip: false });
  const bytes = new TextEncoder().encode(text);
  gzip(bytes, req("gzip"));
  expect(new TextDecoder().decode(Bun.gunzipSync(gzip(bytes, req("gzip")).body as Uint8Array<ArrayBuffer>))).toBe(text);
});
