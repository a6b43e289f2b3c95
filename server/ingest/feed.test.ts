import { describe, expect, test } from "bun:test";
import { TagFeed } from "./feed";

const avcConfig = Uint8Array.of(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f);
const aacConfig = Uint8Array.of(0xaf, 0, 0x12, 0x10);
const key = (n: number) => Uint8Array.of(0x17, 1, 0, 0, 0, n);
const inter = (n: number) => Uint8Array.of(0x27, 1, 0, 0, 0, n);
const aac = (n: number) => Uint8Array.of(0xaf, 1, n);
const meta = Uint8Array.of(2, 0, 13, ...new TextEncoder().encode("@setDataFrame"));

/** [type, timestamp, body] of each FLV tag; "header" for the file header. */
function read(bufs: Uint8Array[]): (string | [number, number, number[]])[] {
  return bufs.map((b) => {
    if (b[0] === 0x46 && b[1] === 0x4c && b[2] === 0x56) return "header";
    const size = (b[1]! << 16) | (b[2]! << 8) | b[3]!;
    expect(b.length).toBe(11 + size + 4);
    expect(new DataView(b.buffer, b.byteOffset).getUint32(11 + size)).toBe(11 + size);
    const ts = ((b[7]! << 24) | (b[4]! << 16) | (b[5]! << 8) | b[6]!) >>> 0;
    return [b[0]!, ts, [...b.subarray(11, 11 + size)]];
  });
}

describe("TagFeed", () => {
  test("a subscriber gets the header, metadata, codec configs and the current GOP, then every tag", () => {
    const feed = new TagFeed();
    feed.push(18, 0, meta, meta.length);
    feed.push(9, 0, avcConfig, avcConfig.length);
    feed.push(8, 0, aacConfig, aacConfig.length);
    feed.push(9, 0, inter(1), 6); // before any keyframe: not cached
    feed.push(9, 33, key(2), 6);
    feed.push(8, 40, aac(3), 3);
    feed.push(9, 66, inter(4), 6);
    feed.push(9, 2000, key(5), 6); // a new GOP replaces the old one
    feed.push(9, 2033, inter(6), 6);
    const got: Uint8Array[] = [];
    const detach = feed.attach((b) => got.push(b));
    feed.push(8, 2040, aac(7), 3);
    detach();
    feed.push(9, 2066, inter(8), 6);
    expect(read(got)).toEqual([
      "header",
      [18, 0, [...meta]],
      [8, 0, [...aacConfig]],
      [9, 0, [...avcConfig]],
      [9, 2000, [...key(5)]],
      [9, 2033, [...inter(6)]],
      [8, 2040, [...aac(7)]],
    ]);
  });

  test("codec configurations are recognised for AVC, legacy HEVC (id 12), Enhanced RTMP and AAC", () => {
    const feed = new TagFeed();
    feed.push(9, 0, Uint8Array.of(0x1c, 0, 0, 0, 0, 1), 6); // legacy HEVC sequence header
    feed.push(9, 0, Uint8Array.of(0x90, 0x68, 0x76, 0x63, 0x31, 1), 6); // Enhanced RTMP hvc1 sequence start
    feed.push(8, 0, aacConfig, aacConfig.length);
    feed.push(9, 0, Uint8Array.of(0x91, 0x68, 0x76, 0x63, 0x31, 9), 6); // Enhanced RTMP coded frames, keyframe
    const got: Uint8Array[] = [];
    feed.attach((b) => got.push(b));
    // The later video config replaced the earlier; the keyframe opened the GOP.
    expect(read(got).slice(1).map((t) => (t as [number, number, number[]])[2][0])).toEqual([0xaf, 0x90, 0x91]);
  });

  test("each tag is a copy: the caller may reuse its message buffer", () => {
    const feed = new TagFeed();
    const got: Uint8Array[] = [];
    feed.attach((b) => got.push(b));
    const body = key(1);
    feed.push(9, 0, body, body.length);
    body.fill(0xee);
    // A message shorter than the buffer it was reassembled in: only `length` bytes are the message.
    const big = new Uint8Array(64).fill(0x27);
    feed.push(9, 33, big, 5);
    expect(read(got).slice(1)).toEqual([[9, 0, [...key(1)]], [9, 33, [0x27, 0x27, 0x27, 0x27, 0x27]]]);
  });

  test("timestamps past 24 bits use the extended byte", () => {
    const feed = new TagFeed();
    const got: Uint8Array[] = [];
    feed.attach((b) => got.push(b));
    feed.push(9, 0x1234_5678, key(1), 6);
    expect(got[1]!.subarray(4, 8)).toEqual(Uint8Array.of(0x34, 0x56, 0x78, 0x12));
  });

  test("after a resumed publish the timeline continues from the last tag; codec configs are not shifted", () => {
    const feed = new TagFeed();
    feed.push(9, 0, key(1), 6);
    feed.push(8, 5_000, aac(2), 3);
    feed.push(9, 5_033, inter(3), 6);
    feed.resume();
    const got: Uint8Array[] = [];
    feed.attach((b) => got.push(b));
    feed.push(9, 0, avcConfig, avcConfig.length);
    feed.push(9, 0, key(4), 6);
    feed.push(8, 10, aac(5), 3);
    const ts = read(got).slice(-3).map((t) => (t as [number, number, number[]])[1]);
    expect(ts).toEqual([0, 5_033, 5_010]);
  });

  test("tags written across many arenas stay intact", () => {
    const feed = new TagFeed();
    const got: Uint8Array[] = [];
    feed.attach((b) => got.push(b));
    const frame = new Uint8Array(100_000);
    for (let i = 0; i < 40; i++) {
      frame.fill(i);
      frame[0] = i === 0 ? 0x17 : 0x27;
      feed.push(9, i * 33, frame, frame.length);
    }
    // A frame bigger than an arena's quarter gets a buffer of its own.
    const huge = new Uint8Array(600_000).fill(0x27);
    feed.push(9, 40 * 33, huge, huge.length);
    const tags = read(got).slice(1) as [number, number, number[]][];
    expect(tags).toHaveLength(41);
    for (let i = 1; i < 40; i++) expect(tags[i]![2]!.slice(1).every((x) => x === i)).toBe(true);
    expect(tags[40]![2]!.length).toBe(600_000);
  });
});
