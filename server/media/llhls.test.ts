// The LL-HLS playlist builder and the blocking/delta request rules, on hand-built rung states.
import { describe, expect, test } from "bun:test";
import { llRuleProblems } from "../../test/llhls-rules";
import { blockingVerdict, llPlaylist, llReplayEntry, parseHlsQuery, skippable, type LlPart, type LlSegment, type LlView } from "./llhls";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

/** `n` whole 1 s segments of five 0.2 s parts (from msn `from`), then `cur` parts of the next. */
function view(n: number, cur: number, o: { from?: number; discontinuityAt?: number } = {}): LlView {
  const from = o.from ?? 0;
  let id = from * 5;
  const parts = (k: number): LlPart[] => Array.from({ length: k }, (_, i) => ({ id: id++, duration: 0.2, independent: i === 0 }));
  const segments: LlSegment[] = [];
  for (let m = from; m < from + n; m++) {
    const run = o.discontinuityAt !== undefined && m >= o.discontinuityAt ? 1 : 0;
    segments.push({ msn: m, duration: 1, pdt: T0 + m * 1000, parts: parts(5), map: `init${run}.mp4`, discontinuity: m === o.discontinuityAt });
  }
  const msn = from + n;
  const run = o.discontinuityAt !== undefined && msn >= o.discontinuityAt ? 1 : 0;
  return {
    segments, current: { msn, parts: parts(cur), map: `init${run}.mp4`, discontinuity: msn === o.discontinuityAt, pdt: T0 + msn * 1000 },
    nextPartId: id, targetDuration: 1, partTarget: 0.25, discontinuitySequence: 0, ended: false,
  };
}

describe("llPlaylist", () => {
  test("golden: server control, part info, map, parts for the last 2 segments + current, preload hint, query on every URI", () => {
    const text = llPlaylist(view(4, 2, { from: 10 }), { q: "?token=abc", reports: [{ uri: "../360p/index.m3u8", view: view(4, 1, { from: 10 }) }] });
    expect(text).toBe([
      "#EXTM3U", "#EXT-X-VERSION:9", "#EXT-X-TARGETDURATION:1",
      "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.625,CAN-SKIP-UNTIL=6.0",
      "#EXT-X-PART-INF:PART-TARGET=0.250", "#EXT-X-MEDIA-SEQUENCE:10", "#EXT-X-DISCONTINUITY-SEQUENCE:0", "#EXT-X-INDEPENDENT-SEGMENTS",
      '#EXT-X-MAP:URI="init0.mp4?token=abc"',
      "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:10.000Z", "#EXTINF:1.00000,", "s10.m4s?token=abc",
      "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:11.000Z", "#EXTINF:1.00000,", "s11.m4s?token=abc",
      "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:12.000Z",
      '#EXT-X-PART:DURATION=0.20000,URI="p60.m4s?token=abc",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.20000,URI="p61.m4s?token=abc"', '#EXT-X-PART:DURATION=0.20000,URI="p62.m4s?token=abc"',
      '#EXT-X-PART:DURATION=0.20000,URI="p63.m4s?token=abc"', '#EXT-X-PART:DURATION=0.20000,URI="p64.m4s?token=abc"',
      "#EXTINF:1.00000,", "s12.m4s?token=abc",
      "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:13.000Z",
      '#EXT-X-PART:DURATION=0.20000,URI="p65.m4s?token=abc",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.20000,URI="p66.m4s?token=abc"', '#EXT-X-PART:DURATION=0.20000,URI="p67.m4s?token=abc"',
      '#EXT-X-PART:DURATION=0.20000,URI="p68.m4s?token=abc"', '#EXT-X-PART:DURATION=0.20000,URI="p69.m4s?token=abc"',
      "#EXTINF:1.00000,", "s13.m4s?token=abc",
      "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:14.000Z",
      '#EXT-X-PART:DURATION=0.20000,URI="p70.m4s?token=abc",INDEPENDENT=YES', '#EXT-X-PART:DURATION=0.20000,URI="p71.m4s?token=abc"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p72.m4s?token=abc"',
      '#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8?token=abc",LAST-MSN=14,LAST-PART=0',
    ].join("\n") + "\n");
    expect(llRuleProblems(text)).toEqual([]);
  });

  test("a restarted ffmpeg: discontinuity, a new map, and the sequence counts discontinuities that left the window", () => {
    const v = view(5, 1, { discontinuityAt: 3 });
    const text = llPlaylist(v);
    expect(text).toContain('#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:03.000Z');
    expect(text.match(/#EXT-X-MAP/g)!.length).toBe(2);
    expect(llRuleProblems(text)).toEqual([]);
  });

  test("ended: no parts being written, no hint, ENDLIST", () => {
    const text = llPlaylist({ ...view(3, 0), ended: true });
    expect(text.endsWith("s2.m4s\n#EXT-X-ENDLIST\n")).toBe(true);
    expect(text).not.toContain("PRELOAD-HINT");
    expect(llRuleProblems(text)).toEqual([]);
  });

  test("the rule checker itself catches a broken playlist", () => {
    const broken = llPlaylist(view(3, 1)).replace(/#EXT-X-PRELOAD-HINT.*\n/, "").replace(",INDEPENDENT=YES", "").replace("PART-HOLD-BACK=0.625", "PART-HOLD-BACK=0.3");
    expect(llRuleProblems(broken)).toEqual([
      "PART-HOLD-BACK 0.3 < 2 × PART-TARGET 0.25", "no EXT-X-PRELOAD-HINT", "a segment's first part is not INDEPENDENT=YES",
    ]);
  });
});

describe("delta updates (_HLS_skip=YES)", () => {
  test("segments ending 6 target durations or more before the end are skipped; the map is repeated", () => {
    const v = view(12, 2, { from: 100 });
    // 12 whole segments + 0.4 s: the oldest whose end lies ≥ 6 s before the end are 100..105.
    expect(skippable(v)).toBe(6);
    const text = llPlaylist(v, { skip: true });
    expect(text).toContain("#EXT-X-MEDIA-SEQUENCE:100\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n#EXT-X-MAP:");
    expect(text).not.toContain("s105.m4s");
    expect(text).toContain("s106.m4s");
    expect(llRuleProblems(text, { delta: true })).toEqual([]);
  });

  test("a window shorter than CAN-SKIP-UNTIL skips nothing", () => {
    expect(skippable(view(5, 3))).toBe(0);
    expect(llPlaylist(view(5, 3), { skip: true })).not.toContain("EXT-X-SKIP");
  });
});

describe("parseHlsQuery", () => {
  test("reads the _HLS_ parameters and passes the rest on untouched", () => {
    expect(parseHlsQuery("?token=a%2Bb&_HLS_msn=12&_HLS_part=3&x=1")).toEqual({ msn: 12, part: 3, skip: false, passOn: "?token=a%2Bb&x=1" });
    expect(parseHlsQuery("?_HLS_skip=YES")).toEqual({ msn: null, part: null, skip: true, passOn: "" });
    expect(parseHlsQuery("")).toEqual({ msn: null, part: null, skip: false, passOn: "" });
  });
  test.each([
    ["?_HLS_part=2", "_HLS_part needs _HLS_msn"],
    ["?_HLS_msn=-1", '_HLS_msn must be a whole number, got "-1"'],
    ["?_HLS_msn=abc", '_HLS_msn must be a whole number, got "abc"'],
    ["?_HLS_msn=1&_HLS_part=1.5", '_HLS_part must be a whole number, got "1.5"'],
    ["?_HLS_skip=NO", '_HLS_skip must be YES or v2, got "NO"'],
  ])("%p is refused", (q, error) => {
    expect(parseHlsQuery(q)).toEqual({ error });
  });
});

describe("blockingVerdict", () => {
  const v = view(4, 2, { from: 10 }); // whole 10..13, writing 14 with parts 0..1
  test.each([
    [13, null, "ready"], [14, 1, "ready"], [9, null, "ready"], [12, 4, "ready"],
    [12, 5, "ready"], // past the end of segment 12 = the first part of 13, which exists
    [13, 5, "ready"], // = part 0 of 14
    [14, 2, "wait"], [14, null, "wait"], [15, 0, "wait"], [15, null, "wait"],
  ] as const)("msn %p part %p → %p", (msn, part, verdict) => {
    expect(blockingVerdict(v, msn, part)).toBe(verdict);
  });
  test("beyond the next segment, or too many parts ahead, is an error (400)", () => {
    expect(blockingVerdict(v, 16, null)).toEqual({ error: "_HLS_msn 16 is beyond the next segment (15)" });
    expect(blockingVerdict(v, 14, 14)).toEqual({ error: "_HLS_part 14 of segment 14 is too far ahead of the last part" });
    expect(blockingVerdict(v, 15, 10)).toEqual({ error: "_HLS_part 10 of segment 15 is too far ahead of the last part" });
    expect(blockingVerdict(v, 15, 9)).toBe("wait");
  });
  test("an ended stream answers at once", () => {
    expect(blockingVerdict({ ...v, ended: true }, 15, 0)).toBe("ready");
  });
});

test("replay entries carry the map when a run begins and a discontinuity after a restart", () => {
  const seg: LlSegment = { msn: 7, duration: 1.001, pdt: T0, parts: [], map: "init1.mp4", discontinuity: true };
  expect(llReplayEntry(seg, false, true)).toBe('#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:00.000Z\n#EXTINF:1.001000,\ns7.m4s\n');
  expect(llReplayEntry({ ...seg, discontinuity: false }, false, false)).toBe("#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:00.000Z\n#EXTINF:1.001000,\ns7.m4s\n");
});
