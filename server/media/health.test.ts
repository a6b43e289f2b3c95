import { expect, test } from "bun:test";
import { InputMeter } from "./health";

const frame = (ts: number, keyframe = false) => ({ type: "video" as const, ts, keyframe, config: false });

test("the second the stream joined in does not count: no low frame rate at the start, zero until a whole second", () => {
  const m = new InputMeter();
  // 24 fps joined 900 ms into second 10: only 3 frames land in it.
  let ts = 0;
  for (let at = 10_900; at < 13_000; at += 1000 / 24) m.push(frame((ts += 1000 / 24), ts === 1000 / 24), 1000, at);
  expect(m.rates(10_950)).toEqual({ videoKbps: 0, audioKbps: 0, fps: 0 });
  expect(m.rates(11_500).fps).toBe(0);
  expect(m.rates(12_100).fps).toBe(24);
  expect(m.rates(13_000).fps).toBe(24);
  expect(m.rates(13_000).videoKbps).toBe(192);
});

test("the keyframe interval comes from two keyframes' timestamps", () => {
  const m = new InputMeter();
  m.push(frame(0, true), 10, 1000);
  expect(m.keyframeSeconds).toBeNull();
  m.push(frame(2000, true), 10, 3000);
  expect(m.keyframeSeconds).toBe(2);
});
