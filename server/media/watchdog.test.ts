// The watchdog's verdicts on sample sequences: slow is degraded and recovered with hysteresis, frozen and wedged
// are killed, an idle publisher is neither.
import { describe, expect, test } from "bun:test";
import { Watchdog, type Sample, type WatchdogTimings } from "./watchdog";

const T: WatchdogTimings = { frozenMs: 10_000, wedgedMs: 30_000, settleMs: 5_000, slowLagS: 4, slowForMs: 3_000, okLagS: 1.5, recoverMs: 20_000 };

/** Runs one-second samples from `from` for `seconds`; `rate` media s per wall s out, CPU moving unless frozen. */
function drive(dog: Watchdog, from: number, seconds: number, o: { rate: number; fedStart: number; outStart: number; frozen?: boolean; busy?: boolean }) {
  const verdicts: { at: number; act: string }[] = [];
  let cpu = 100;
  for (let i = 1; i <= seconds; i++) {
    if (!o.frozen) cpu += 0.5;
    const s: Sample = { now: from + i * 1000, cpu, fed: o.fedStart + i, out: o.outStart + i * o.rate, busy: o.busy ?? true };
    const v = dog.judge(s);
    if (v.act !== "none") verdicts.push({ at: i, act: v.act });
  }
  return verdicts;
}

describe("Watchdog", () => {
  test("a real-time transcoder is left alone", () => {
    const dog = new Watchdog(2, T);
    dog.reset(0);
    expect(drive(dog, 0, 120, { rate: 1, fedStart: 0, outStart: -0.5 })).toEqual([]);
  });

  test("a slow one steps down once it is 4 s behind for 3 s, never killed; the next step waits for a settle", () => {
    const dog = new Watchdog(2, T);
    dog.reset(0);
    const v = drive(dog, 0, 20, { rate: 0.5, fedStart: 0, outStart: 0 });
    // 4 s behind after 8 s (past the 5 s settle), then 3 s more; still behind 5 + 3 s after that.
    expect(v).toEqual([{ at: 12, act: "down" }, { at: 20, act: "down" }]);
    expect(dog.level).toBe(2);
  });

  test("a backlog that is shrinking (catching up) is not slow", () => {
    const dog = new Watchdog(2, T);
    dog.reset(0);
    // 10 s behind after a stall, then running at 1.5× real time: never stepped down.
    expect(drive(dog, 0, 20, { rate: 1.5, fedStart: 10, outStart: 0 })).toEqual([]);
  });

  test("it stays down at the last level instead of restarting", () => {
    const dog = new Watchdog(1, T);
    dog.reset(0);
    expect(drive(dog, 0, 60, { rate: 0.5, fedStart: 0, outStart: 0 })).toEqual([{ at: 12, act: "down" }]);
  });

  test("recovery waits for a healthy stretch, and a step up that fails doubles the next wait", () => {
    const dog = new Watchdog(2, T);
    dog.reset(0);
    drive(dog, 0, 12, { rate: 0.5, fedStart: 0, outStart: 0 });
    dog.reset(12_000);
    // Healthy at level 1: up after the 5 s settle + 20 s.
    expect(drive(dog, 12_000, 30, { rate: 1, fedStart: 0, outStart: -0.5 })).toEqual([{ at: 25, act: "up" }]);
    dog.reset(37_000);
    // Falls behind again right away: down, and the next try waits 40 s of health.
    expect(drive(dog, 37_000, 12, { rate: 0.5, fedStart: 0, outStart: 0 })).toEqual([{ at: 12, act: "down" }]);
    dog.reset(49_000);
    expect(drive(dog, 49_000, 50, { rate: 1, fedStart: 0, outStart: -0.5 })).toEqual([{ at: 45, act: "up" }]);
  });

  test("no CPU time for 10 s while input waits is frozen; no output for 30 s despite CPU is wedged", () => {
    const frozen = new Watchdog(2, T);
    frozen.reset(0);
    expect(drive(frozen, 0, 15, { rate: 0, fedStart: 0, outStart: 0, frozen: true })[0]).toEqual({ at: 11, act: "kill" });
    const wedged = new Watchdog(2, T);
    wedged.reset(0);
    const v = drive(wedged, 0, 31, { rate: 0, fedStart: 0, outStart: 0 });
    // Slow first (it is behind: the ladder steps down), then killed once nothing came out for 30 s.
    expect(v).toEqual([{ at: 8, act: "down" }, { at: 16, act: "down" }, { at: 31, act: "kill" }]);
  });

  test("short SIGSTOP bursts (CPU moves every few seconds) are not frozen", () => {
    const dog = new Watchdog(2, T);
    dog.reset(0);
    let cpu = 0;
    const acts: string[] = [];
    for (let i = 1; i <= 60; i++) {
      if (i % 4 === 0) cpu += 0.3;
      const v = dog.judge({ now: i * 1000, cpu, fed: i, out: i * 0.9, busy: true });
      if (v.act !== "none") acts.push(v.act);
    }
    expect(acts).not.toContain("kill");
  });

  test("a publisher that pauses (nothing fed, nothing waiting) is neither frozen nor slow", () => {
    const dog = new Watchdog(2, T);
    dog.reset(0);
    expect(drive(dog, 0, 60, { rate: 0, fedStart: 0, outStart: 0, frozen: true, busy: false }).filter((v) => v.act === "kill")).toEqual([]);
  });
});
