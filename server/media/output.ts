// Turns what ffmpeg writes (per-rung ffmpeg.m3u8 + segments) into the playlists we serve: the master (once every
// rung has a segment), a live window per rung, and the replay playlist per rung. Program date times are moved
// from ffmpeg's muxer-start anchor to the time the frames actually reached the server.
import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { masterPlaylist, type Plan } from "./ffmpeg-args";
import { ENDLIST, livePlaylist, parseFfmpegPlaylist, replayEntry, replayHeader, type Segment } from "./playlists";

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

export class BroadcastOutput {
  private rungs: RungState[];
  private ready = false;
  private finished = false;
  /** What we last wrote to the served playlists, so HTTP serves them from memory. */
  private texts = new Map<string, string>();
  private runStart = new Map<number, number>();

  constructor(private opts: OutputOptions) {
    const seg = opts.plan.segmentSeconds;
    this.rungs = opts.plan.rungs.map((r) => ({ name: r.name, segments: [], seen: new Set(), mtime: 0, target: seg, offsets: new Map() }));
  }

  startRun(run: number, firstTs: number): void {
    this.runStart.set(run, firstTs);
  }

  /** The master playlist (rung null) or a rung's live playlist as last written; null before it exists. */
  playlist(rung: string | null): string | null {
    return this.texts.get(rung ?? MASTER) ?? null;
  }

  private publish(rung: string | null, text: string): void {
    writeAtomic(rung === null ? join(this.opts.dir, "index.m3u8") : join(this.opts.dir, rung, "index.m3u8"), text);
    this.texts.set(rung ?? MASTER, text);
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
    for (const r of this.rungs) this.pollRung(r, now);
    if (!this.ready && this.rungs.every((r) => r.segments.length > 0)) {
      this.ready = true;
      this.publish(null, masterPlaylist(this.opts.plan));
      this.opts.onReady();
    }
  }

  private pollRung(r: RungState, now: number): void {
    const src = join(this.opts.dir, r.name, "ffmpeg.m3u8");
    let mtime: number;
    try {
      mtime = statSync(src).mtimeMs;
    } catch {
      return;
    }
    if (mtime === r.mtime) return;
    r.mtime = mtime;
    let text: string;
    try {
      text = readFileSync(src, "utf8");
    } catch {
      return;
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
      this.opts.onSegment(r.name, seg, join(this.opts.dir, r.name, e.name));
      added = true;
    }
    if (added) this.publish(r.name, livePlaylist(r.segments, this.opts.liveWindow, r.target));
  }

  /** Final poll, then ENDLIST on every live and replay playlist. */
  finish(): void {
    this.poll();
    this.finished = true;
    for (const r of this.rungs) {
      if (!r.segments.length) continue;
      appendFileSync(join(this.opts.dir, r.name, "replay.m3u8"), ENDLIST);
      this.publish(r.name, livePlaylist(r.segments, this.opts.liveWindow, r.target) + ENDLIST);
    }
  }
}
