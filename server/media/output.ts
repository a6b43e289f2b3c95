// Turns what ffmpeg writes (per-rung ffmpeg.m3u8 + segments) into the playlists we serve: the master (once every
// rung has a segment), a live window per rung, and the replay playlist per rung. Program date times are moved
// from ffmpeg's muxer-start anchor to the time the frames actually reached the server.
// The ladder can change while live (a slow transcoder sheds rungs and gets them back): the master lists only
// the rungs being produced, a rung joins it again once its first new segment exists, and a dropped rung's live
// playlist answers 404 so players move to another one.
import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { masterPlaylist, type Plan, type Rung } from "./ffmpeg-args";
import { ENDLIST, livePlaylist, parseFfmpegPlaylist, replayEntry, replayHeader, type Segment } from "./playlists";
import { Waiters } from "./waiters";

export interface OutputOptions {
  dir: string;
  plan: Plan;
  liveWindow: number;
  /** When a frame with this publisher timestamp (ms) reached the server, if known. */
  arrivalOf(ts: number): number | null;
  onReady(): void;
  onSegment(rung: string, seg: Segment, path: string): void;
}

interface RungState {
  name: string;
  /** Index of the first segment the live window may show (set when a dropped rung comes back). */
  liveFrom: number;
  /** Produced by the current plan and has a segment since it (re)joined. */
  active: boolean;
  joined: boolean;
  /** When each recent segment showed up (ms) and its length (s): the rung's pace and ingest → playlist lag. */
  recent: { at: number; duration: number; lag: number }[];
  segments: Segment[];
  seen: Set<string>;
  mtime: number;
  target: number;
  /** Per run: ms to add to ffmpeg's program date time. */
  offsets: Map<number, number>;
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(path + ".tmp", text);
  renameSync(path + ".tmp", path);
}

const MASTER = "";
/** Window for a rung's pace (media seconds per wall second). */
const PACE_WINDOW_MS = 20_000;

export interface RungStats {
  name: string;
  active: boolean;
  /** Media seconds per wall second over the last ~20 s (null before two segments). */
  pace: number | null;
  /** Ingest → playlist of the newest segment: when it appeared minus when its last frame reached the server (s). */
  lag: number | null;
  segments: number;
}

export class BroadcastOutput {
  private rungs: RungState[] = [];
  private plan: Plan;
  /** Each rung as last planned at full quality: the replay master lists these. */
  private known = new Map<string, Rung>();
  private ready = false;
  private finished = false;
  /** What we last wrote to the served playlists, so HTTP serves them from memory. */
  private texts = new Map<string, string>();
  private runStart = new Map<number, number>();
  /** Blocking playlist reloads (_HLS_msn) parked until their segment is listed. */
  private waiters = new Waiters();

  constructor(private opts: OutputOptions) {
    this.plan = opts.plan;
    this.setPlan(opts.plan);
  }

  /**
   * The ladder being produced from now on. `full`: the plan at full quality (its estimates replace the old ones);
   * otherwise a degraded step of it.
   */
  setPlan(plan: Plan, full = true): void {
    this.plan = plan;
    const names = new Set(plan.rungs.map((r) => r.name));
    for (const r of plan.rungs) {
      if (full || !this.known.has(r.name)) this.known.set(r.name, r);
      if (!this.rungs.some((x) => x.name === r.name)) {
        this.rungs.push({ name: r.name, segments: [], seen: new Set(), mtime: 0, target: plan.segmentSeconds, offsets: new Map(), liveFrom: 0, active: false, joined: false, recent: [] });
      }
    }
    for (const r of this.rungs) {
      const active = names.has(r.name);
      if (active && !r.active) {
        r.liveFrom = r.segments.length;
        r.joined = false;
        r.recent = [];
      }
      if (!active) this.texts.delete(r.name);
      r.active = active;
    }
    if (this.ready) this.publishMaster();
  }

  private publishMaster(): void {
    const rungs = this.plan.rungs.filter((p) => this.rungs.some((r) => r.name === p.name && r.joined));
    if (!rungs.length) return;
    const text = masterPlaylist({ ...this.plan, rungs });
    if (text !== this.texts.get(MASTER)) this.publish(null, text);
  }

  stats(now = Date.now()): RungStats[] {
    return this.rungs.map((r) => {
      const recent = r.recent.filter((x) => now - x.at <= PACE_WINDOW_MS);
      const span = recent.length >= 2 ? (recent[recent.length - 1]!.at - recent[0]!.at) / 1000 : 0;
      const media = recent.slice(1).reduce((t, x) => t + x.duration, 0);
      return {
        name: r.name, active: r.active, pace: span > 0 ? media / span : null,
        lag: r.recent.length ? r.recent[r.recent.length - 1]!.lag : null, segments: r.segments.length,
      };
    });
  }

  startRun(run: number, firstTs: number): void {
    this.runStart.set(run, firstTs);
  }

  /** The master playlist (rung null) or a rung's live playlist as last written; null before it exists. */
  playlist(rung: string | null): string | null {
    return this.texts.get(rung ?? MASTER) ?? null;
  }

  /** Rungs that have a live playlist right now. */
  get activeRungs(): string[] {
    return this.rungs.filter((r) => r.active && r.joined).map((r) => r.name);
  }

  private publish(rung: string | null, text: string): void {
    writeAtomic(rung === null ? join(this.opts.dir, "index.m3u8") : join(this.opts.dir, rung, "index.m3u8"), text);
    this.texts.set(rung ?? MASTER, text);
    this.waiters.changed(this.finished);
  }

  /** Media sequence number of the rung's newest listed segment; null while it has no live playlist. */
  lastMsn(rung: string): number | null {
    const r = this.rungs.find((x) => x.name === rung);
    return r && this.texts.has(rung) && r.segments.length ? r.segments.length - 1 : null;
  }

  /**
   * Resolves true once the rung lists segment `msn` (or the broadcast ended), false after three target durations
   * (Apple's limit for a blocking reload).
   */
  waitForSegment(rung: string, msn: number): Promise<boolean> {
    const target = this.rungs.find((x) => x.name === rung)?.target ?? this.plan.segmentSeconds;
    return this.waiters.wait(() => this.finished || (this.lastMsn(rung) ?? -1) >= msn, 3 * target * 1000);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Total replay length so far in ms (top rung). */
  get durationMs(): number {
    return Math.round((this.rungs[0]?.segments ?? []).reduce((t, s) => t + s.duration, 0) * 1000);
  }

  /** Picks up new segments; cheap when nothing changed (one stat per rung). */
  poll(now = Date.now()): void {
    if (this.finished) return;
    let joined = false;
    for (const r of this.rungs) joined = this.pollRung(r, now) || joined;
    if (!this.ready && this.rungs.every((r) => !r.active || r.joined)) {
      this.ready = true;
      this.publishMaster();
      this.opts.onReady();
    } else if (this.ready && joined) this.publishMaster();
  }

  /** True when the rung (re)joined the master with this poll. */
  private pollRung(r: RungState, now: number): boolean {
    const src = join(this.opts.dir, r.name, "ffmpeg.m3u8");
    let mtime: number;
    try {
      mtime = statSync(src).mtimeMs;
    } catch {
      return false;
    }
    if (mtime === r.mtime) return false;
    r.mtime = mtime;
    let text: string;
    try {
      text = readFileSync(src, "utf8");
    } catch {
      return false;
    }
    let added = false;
    for (const e of parseFfmpegPlaylist(text)) {
      if (r.seen.has(e.name)) continue;
      r.seen.add(e.name);
      const run = Number(e.name.slice(1, e.name.indexOf("_")));
      const ffPdt = e.pdt ?? now - e.duration * 1000;
      if (!r.offsets.has(run)) {
        const first = this.runStart.get(run);
        const arrival = (first !== undefined ? this.opts.arrivalOf(first) : null) ?? ffPdt;
        r.offsets.set(run, arrival - ffPdt);
      }
      const prev = r.segments[r.segments.length - 1];
      const seg: Segment = { name: e.name, duration: e.duration, pdt: Math.round(ffPdt + r.offsets.get(run)!), discontinuity: !!prev && !prev.name.startsWith(`r${run}_`) };
      r.target = Math.max(r.target, Math.round(seg.duration));
      const replay = join(this.opts.dir, r.name, "replay.m3u8");
      if (r.segments.length === 0) writeFileSync(replay, replayHeader(this.opts.plan.segmentSeconds * 2));
      appendFileSync(replay, replayEntry(seg, r.segments.length === 0));
      r.segments.push(seg);
      const wall = Date.now();
      r.recent.push({ at: wall, duration: seg.duration, lag: (wall - (seg.pdt + seg.duration * 1000)) / 1000 });
      if (r.recent.length > 30) r.recent.shift();
      this.opts.onSegment(r.name, seg, join(this.opts.dir, r.name, e.name));
      added = true;
    }
    if (!added || !r.active) return false;
    this.publish(r.name, livePlaylist(r.segments, this.opts.liveWindow, r.target, r.liveFrom));
    const joinedNow = !r.joined;
    r.joined = true;
    return joinedNow;
  }

  /** Final poll, then ENDLIST on every live and replay playlist. */
  finish(): void {
    this.poll();
    this.finished = true;
    for (const r of this.rungs) {
      if (!r.segments.length) continue;
      appendFileSync(join(this.opts.dir, r.name, "replay.m3u8"), ENDLIST);
      if (r.active) this.publish(r.name, livePlaylist(r.segments, this.opts.liveWindow, r.target, r.liveFrom) + ENDLIST);
    }
    // The replay offers every rung that recorded something, at its full-quality description.
    const recorded = [...this.known.values()].filter((k) => this.rungs.some((r) => r.name === k.name && r.segments.length)).sort((a, b) => b.height - a.height);
    if (this.ready && recorded.length) writeAtomic(join(this.opts.dir, "index.m3u8"), masterPlaylist({ ...this.plan, rungs: recorded }));
  }
}
