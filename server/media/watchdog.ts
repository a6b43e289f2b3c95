// Tells a slow transcoder from a frozen one, from what the process itself shows: its CPU time (/proc) and its
// progress (ffmpeg's -progress out_time) against the media we fed it. Pure: feed samples, act on the verdict.
//   frozen  — input waits but the process gets no CPU time (SIGSTOP, swapped out, stuck in the kernel): kill.
//   wedged  — CPU time moves but no output for much longer: kill.
//   slow    — output moves but falls behind the input: step the ladder down (never kill).
//   healthy — close to the input for a while at a reduced ladder: step back up; a step up that falls behind
//             again soon doubles the wait before the next try (hysteresis).

export interface WatchdogTimings {
  /** No CPU time for this long while input waits: frozen. */
  frozenMs: number;
  /** No output progress for this long while input waits: wedged. */
  wedgedMs: number;
  /** After a (re)start or a ladder change, judge speed only after this long. */
  settleMs: number;
  /** Behind the input by more than this (s) for slowForMs: step down. */
  slowLagS: number;
  slowForMs: number;
  /** Within this (s) of the input for recoverMs (doubled per failed try, at most 8×): step up. */
  okLagS: number;
  recoverMs: number;
}

export const WATCHDOG: WatchdogTimings = {
  frozenMs: 10_000, wedgedMs: 30_000, settleMs: 8_000, slowLagS: 4, slowForMs: 3_000, okLagS: 1.5, recoverMs: 30_000,
};

export interface Sample {
  now: number;
  /** CPU seconds of the process so far. */
  cpu: number;
  /** Media seconds ffmpeg has written (out_time). */
  out: number;
  /** Media seconds fed to ffmpeg's stdin in this run. */
  fed: number;
  /** Input is arriving or waiting to be read (a paused publisher gives ffmpeg nothing to do). */
  busy: boolean;
}

export type Verdict = { act: "none" } | { act: "kill"; reason: string } | { act: "down" | "up"; reason: string };

export class Watchdog {
  level = 0;
  private cpu = -1;
  private cpuAt = 0;
  private out = -1;
  private outAt = 0;
  private since = 0;
  private slowSince: number | null = null;
  private slowLag = 0;
  private okSince: number | null = null;
  private failedUps = 0;
  private upAt = -Infinity;
  lag = 0;

  constructor(private maxLevel: number, private t: WatchdogTimings = WATCHDOG) {}

  /** A new run (restart or ladder change) begins now. */
  reset(now: number): void {
    this.cpu = this.out = -1;
    this.cpuAt = this.outAt = this.since = now;
    this.slowSince = this.okSince = null;
  }

  judge(s: Sample): Verdict {
    const t = this.t;
    if (s.cpu > this.cpu) (this.cpu = s.cpu), (this.cpuAt = s.now);
    if (s.out > this.out) (this.out = s.out), (this.outAt = s.now);
    if (!s.busy) {
      // Nothing to do is not being stuck.
      this.cpuAt = this.outAt = s.now;
    } else {
      if (s.now - this.cpuAt >= t.frozenMs) return { act: "kill", reason: `frozen: no CPU time for ${Math.round((s.now - this.cpuAt) / 1000)} s` };
      if (s.now - this.outAt >= t.wedgedMs) return { act: "kill", reason: `wedged: no output for ${Math.round((s.now - this.outAt) / 1000)} s` };
    }
    this.lag = Math.max(0, s.fed - s.out);
    // Speed is judged only on a process that gets CPU time: one that does not is frozen, not slow.
    if (s.now - this.since < t.settleMs || s.now - this.cpuAt > t.slowForMs) return { act: "none" };
    if (this.lag > t.slowLagS) {
      this.okSince = null;
      // Catching up (the lag shrinks, e.g. once a CPU hog went away) restarts the clock: only a lag that holds
      // or grows is slow.
      if (this.slowSince === null || this.lag < this.slowLag - 0.5) {
        this.slowSince = s.now;
        this.slowLag = this.lag;
      }
      if (s.now - this.slowSince >= t.slowForMs && this.level < this.maxLevel) {
        if (s.now - this.upAt < t.recoverMs * 2) this.failedUps = Math.min(this.failedUps + 1, 3);
        this.level++;
        this.since = s.now;
        this.slowSince = null;
        return { act: "down", reason: `${this.lag.toFixed(1)} s behind the input` };
      }
      return { act: "none" };
    }
    this.slowSince = null;
    if (this.lag > t.okLagS) {
      this.okSince = null;
      return { act: "none" };
    }
    this.okSince ??= s.now;
    if (this.failedUps && s.now - this.upAt > t.recoverMs * 4) this.failedUps = 0;
    const wait = t.recoverMs * 2 ** this.failedUps;
    if (this.level > 0 && s.now - this.okSince >= wait) {
      const reason = `kept up for ${Math.round((s.now - this.okSince) / 1000)} s`;
      this.level--;
      this.upAt = this.since = s.now;
      this.okSince = null;
      return { act: "up", reason };
    }
    return { act: "none" };
  }
}
