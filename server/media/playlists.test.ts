import { expect, test } from "bun:test";
import { livePlaylist, parseFfmpegPlaylist, playlistDurationMs, replayEntry, replayHeader, ENDLIST, type Segment } from "./playlists";
import { avcCodecString, avcDimensions, parseTag } from "./flv";

test("parses ffmpeg's playlist, including its +0000 date format, and ignores anything but our segment names", () => {
  const text = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-11-24T03:31:48.260+0000\nr0_0.ts\n#EXTINF:0.984000,\n../../etc/passwd\n#EXTINF:0.5,\nr0_1.ts\n";
  expect(parseFfmpegPlaylist(text)).toEqual([
    { name: "r0_0.ts", duration: 1, pdt: Date.parse("2026-11-24T03:31:48.260Z") },
    { name: "r0_1.ts", duration: 0.5, pdt: null },
  ]);
});

const seg = (i: number, run = 0, discontinuity = false): Segment => ({ name: `r${run}_${i}.ts`, duration: 1, pdt: 1_700_000_000_000 + i * 1000, discontinuity });

test("the live window slides with media and discontinuity sequence numbers", () => {
  const all = [seg(0), seg(1), seg(0, 1, true), seg(1, 1), seg(2, 1)];
  const text = livePlaylist(all, 3, 1);
  expect(text).toContain("#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n");
  expect(text).not.toContain("#EXT-X-DISCONTINUITY\n");
  expect(text.match(/\.ts/g)).toHaveLength(3);
  const wider = livePlaylist(all, 4, 1);
  expect(wider).toContain("#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n");
  expect(wider).toContain("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z\n#EXTINF:1.000000,\nr1_0.ts");
});

test("the replay playlist is an event playlist closed by ENDLIST, and its duration adds up", () => {
  const text = replayHeader(2) + replayEntry(seg(0), true) + replayEntry(seg(1), false) + ENDLIST;
  expect(text).toStartWith("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n");
  expect(text.trimEnd()).toEndWith("#EXT-X-ENDLIST");
  expect(playlistDurationMs(text)).toBe(2000);
});

test("FLV tags: AVC keyframes and sequence headers, enhanced-RTMP HEVC, AAC", () => {
  const tag = (type: number, ts: number, body: number[]) => {
    const b = new Uint8Array(11 + body.length + 4);
    b[0] = type;
    b[1] = (body.length >> 16) & 255; b[2] = (body.length >> 8) & 255; b[3] = body.length & 255;
    b[4] = (ts >> 16) & 255; b[5] = (ts >> 8) & 255; b[6] = ts & 255; b[7] = (ts >>> 24) & 255;
    b.set(body, 11);
    return b;
  };
  expect(parseTag(new Uint8Array([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]))).toBeNull();
  expect(parseTag(tag(9, 0x01020304, [0x17, 1, 0, 0, 0, 9]))).toMatchObject({ type: "video", ts: 0x01020304, keyframe: true, config: false, videoCodec: "h264" });
  expect(parseTag(tag(9, 0, [0x90 | 0, ...Buffer.from("hvc1")]))).toMatchObject({ videoCodec: "hevc", keyframe: true, config: true });
  expect(parseTag(tag(8, 40, [0xaf, 0, 0x12, 0x10]))).toMatchObject({ type: "audio", audioCodec: "aac", config: true });
  expect(parseTag(tag(8, 40, [0x2f, 1]))).toMatchObject({ type: "audio", audioCodec: "mp3" });
});

test("reads codec string and size from an AVCDecoderConfigurationRecord (x264 854x480 high)", () => {
  // SPS of a real x264 854x480 stream (High 3.0), wrapped in an avcC record.
  const sps = Buffer.from("6764001eacd940d83de6f011000003000100000300300f162d96", "hex");
  const record = new Uint8Array([1, 0x64, 0x00, 0x1e, 0xff, 0xe1, 0, sps.length, ...sps, 1, 0, 4, 0x68, 0xeb, 0xe3, 0xcb]);
  expect(avcCodecString(record)).toBe("avc1.64001e");
  expect(avcDimensions(record)).toEqual({ width: 854, height: 480 });
});
