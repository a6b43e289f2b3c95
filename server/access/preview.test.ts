import { expect, test } from "bun:test";
import { previewPlaylist } from "./preview";

test("the preview keeps the header and the segments that start within it, and ends the list", () => {
  const text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n" +
    [0, 1, 2, 3].map((i) => `#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:0${i * 2}.000Z\n#EXTINF:2.000000,\nr0_${i}.ts\n`).join("") + "#EXT-X-ENDLIST\n";
  const p = previewPlaylist(text, 3000);
  expect([...p.names]).toEqual(["r0_0.ts", "r0_1.ts"]);
  expect(p.text).toBe(
    "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:00.000Z\n#EXTINF:2.000000,\nr0_0.ts\n" +
      "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:02.000Z\n#EXTINF:2.000000,\nr0_1.ts\n#EXT-X-ENDLIST\n",
  );
  expect(previewPlaylist(text, 60_000).names.size).toBe(4);
});
