// Low-latency mode's output side: reads each rung's fragmented MP4 from its ffmpeg pipe, turns every fragment into
// an LL-HLS part (kept in memory while playlists list it), cuts whole segments at keyframes (written to disk with
// the init segment, and appended to the rung's replay playlist), and wakes blocked playlist and part requests the
// moment a part exists. Playlist text comes from the pure builder in llhls.ts.
import { appendFileSync, closeSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { masterPlaylist, type Plan } from "./ffmpeg-args";
import { concat, Fmp4Reader, type Fragment, type Init } from "./fmp4";
import { initName, llPlaylist, llReplayEntry, segmentName, type LlPart, type LlSegment, type LlView } from "./llhls";
import { ENDLIST, replayHeader } from "./playlists";
import { Waiters } from "./waiters";

/** Whole segments in a live LL playlist (a delta update skips all but the last CAN-SKIP-UNTIL = 6 s). */
const LL_WINDOW = 12;
/** Parts stay fetchable this many segments back (playlists list them for the last 2 + the current one). */
const PART_KEEP_SEGMENTS = 4;
/** Parts are 200 ms of video; ffmpeg stretches the first frame by the AAC priming (≈ 0.22 s), never past this. */
const PART_TARGET = 0.25;

export interface LlOutputOptions {
  dir: string;
  plan: Plan;
  /** When a frame with this publisher timestamp (ms) reached the server, if known. */
  arrivalOf(ts: number): number | null;
  onReady(): void;
  /** A whole segment of a rung is on disk; `input` is something ffmpeg can read it as (init + segment). */
  onSegment(rung: string, input: string): void;
  log(msg: string): void;
}

interface RunState {
  run: number;
  map: string;
  videoId: number | null;
  timescale: number;
  /** Timescale per track id. */
  scales: Map<number, number>;
  anchor0: () => number | null;
  /** Decode time of the run's first video fragment, and the wall clock it corresponds to. */
  firstBase: number | null;
  anchor: number | null;
  /** The next segment starts this run (after a restart): a discontinuity. */
  fresh: boolean;
}

export class LlRung {
  private segments: LlSegment[] = [];
  private cur: { msn: number; parts: LlPart[]; bytes: Uint8Array[]; map: string; discontinuity: boolean; pdt: number | null } | null = null;
  private partBytes = new Map<number, Uint8Array>();
  private nextPartId = 0;
  private nextMsn = 0;
  private discontinuitySequence = 0;
  private targetDuration: number;
  private partTarget = PART_TARGET;
  private waiters = new Waiters();
  private run: RunState | null = null;
  private replayMap: string | null = null;
  private ended = false;
  /** Seconds recorded (whole segments). */
  recorded = 0;
  wholeSegments = 0;

  constructor(readonly name: string, private dir: string, private segmentSeconds: number, private onWhole: (input: string) => void, private log: (msg: string) => void) {
    this.targetDuration = segmentSeconds;
  }

  private get folder(): string {
    return join(this.dir, this.name);
  }

  /** A run's init segment: written to disk; the run's first segment gets a discontinuity unless it is the first. */
  init(run: number, init: Init, anchor: () => number | null): void {
    this.closeSegment();
    const map = initName(run);
    writeFileSync(join(this.folder, map), init.bytes);
    const video = init.tracks.find((t) => t.kind === "video") ?? init.tracks[0];
    this.run = {
      run, map, videoId: video?.id ?? null, timescale: video?.timescale ?? 1, scales: new Map(init.tracks.map((t) => [t.id, t.timescale])), anchor0: anchor,
      firstBase: null, anchor: null, fresh: this.nextMsn > 0,
    };
  }

  fragment(run: number, f: Fragment): void {
    const r = this.run;
    if (!r || r.run !== run || this.ended) return;
    const video = f.runs.find((t) => t.trackId === r.videoId);
    const timescale = r.timescale;
    // A tail fragment of audio alone still has to reach the player: it joins the segment as a short part.
    const duration = video ? video.duration / timescale : Math.max(0, ...f.runs.map((t) => t.duration / (r.scales.get(t.trackId) ?? 1)));
    const independent = video?.independent ?? false;
    if (video && r.firstBase === null) {
      r.firstBase = video.baseTime;
      r.anchor = r.anchor0() ?? Date.now();
    }
    const curDuration = this.cur ? this.cur.parts.reduce((t, p) => t + p.duration, 0) : 0;
    if (this.cur && independent && curDuration >= this.segmentSeconds * 0.9) this.closeSegment();
    if (!this.cur) {
      if (!independent) return; // a segment must start on a keyframe; ffmpeg's first fragment always does
      const pdt = video && r.anchor !== null && r.firstBase !== null ? Math.round(r.anchor + ((video.baseTime - r.firstBase) / timescale) * 1000) : Date.now();
      this.cur = { msn: this.nextMsn++, parts: [], bytes: [], map: r.map, discontinuity: r.fresh, pdt };
      r.fresh = false;
    }
    if (duration > this.partTarget) {
      this.log(`llhls: ${this.name}: a part of ${duration.toFixed(3)} s exceeds the part target; raising it`);
      this.partTarget = Math.ceil(duration * 100) / 100;
    }
    const part: LlPart = { id: this.nextPartId++, duration, independent };
    this.cur.parts.push(part);
    this.cur.bytes.push(f.bytes);
    this.partBytes.set(part.id, f.bytes);
    this.changed();
  }

  /** The run's pipe ended: its last, shorter segment is whole now. */
  endRun(run: number): void {
    if (this.run?.run === run) this.closeSegment();
  }

  private closeSegment(): void {
    const c = this.cur;
    if (!c || !c.parts.length) return;
    this.cur = null;
    const duration = c.parts.reduce((t, p) => t + p.duration, 0);
    const seg: LlSegment = { msn: c.msn, duration, pdt: c.pdt ?? Date.now(), parts: c.parts, map: c.map, discontinuity: c.discontinuity };
    const name = segmentName(c.msn);
    writeFileSync(join(this.folder, name), concat(c.bytes));
    const replay = join(this.folder, "replay.m3u8");
    if (this.wholeSegments === 0) writeFileSync(replay, replayHeader(this.segmentSeconds * 2));
    appendFileSync(replay, llReplayEntry(seg, this.wholeSegments === 0, seg.map !== this.replayMap));
    this.replayMap = seg.map;
    this.wholeSegments++;
    this.recorded += duration;
    this.targetDuration = Math.max(this.targetDuration, Math.round(duration));
    this.segments.push(seg);
    if (this.segments.length > LL_WINDOW) {
      this.segments.shift();
      if (this.segments[0]!.discontinuity) this.discontinuitySequence++;
    }
    const keepFrom = this.segments[Math.max(0, this.segments.length - PART_KEEP_SEGMENTS)]?.parts[0]?.id ?? 0;
    for (const id of this.partBytes.keys()) {
      if (id >= keepFrom) break;
      this.partBytes.delete(id);
    }
    this.onWhole(`concat:${join(this.folder, c.map)}|${join(this.folder, name)}`);
    this.changed();
  }

  end(): void {
    this.closeSegment();
    if (this.wholeSegments) appendFileSync(join(this.folder, "replay.m3u8"), ENDLIST);
    this.ended = true;
    this.changed();
  }

  view(): LlView {
    const lastMsn = this.segments[this.segments.length - 1]?.msn;
    const current = this.cur ?? { msn: lastMsn === undefined ? this.nextMsn : lastMsn + 1, parts: [], map: this.run?.map ?? initName(0), discontinuity: this.run?.fresh ?? false, pdt: null };
    return {
      segments: this.segments, current, nextPartId: this.nextPartId, targetDuration: this.targetDuration, partTarget: this.partTarget,
      discontinuitySequence: this.discontinuitySequence, ended: this.ended,
    };
  }

  get hasSegment(): boolean {
    return this.wholeSegments > 0;
  }

  /** A part's bytes while playlists may still list it. */
  part(id: number): Uint8Array | null {
    return this.partBytes.get(id) ?? null;
  }

  /** The part the preload hint names (not written yet). */
  isNextPart(id: number): boolean {
    return id === this.nextPartId && !this.ended;
  }

  /** Resolves true as soon as `ready()` holds (checked now and on every new part), false after `timeoutMs`. */
  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(ready, timeoutMs);
  }

  private changed(): void {
    this.waiters.changed(this.ended);
  }
}

/** One low-latency broadcast: a rung per ladder entry, fed by the runs of one ffmpeg. */
export class LlOutput {
  readonly rungs: LlRung[];
  private ready = false;
  private master: string;
  private runStart = new Map<number, number>();
  private reading = new Set<Promise<void>>();

  constructor(private opts: LlOutputOptions) {
    const seg = opts.plan.segmentSeconds;
    this.rungs = opts.plan.rungs.map((r) => new LlRung(r.name, opts.dir, seg, (input) => this.whole(r.name, input), opts.log));
    this.master = masterPlaylist(opts.plan);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Replay length so far in ms (top rung). */
  get durationMs(): number {
    return Math.round((this.rungs[0]?.recorded ?? 0) * 1000);
  }

  rung(name: string): LlRung | null {
    return this.rungs.find((r) => r.name === name) ?? null;
  }

  /** The master playlist (rung null) or a rung's full LL playlist. */
  playlist(rung: string | null): string | null {
    if (!this.ready) return null;
    if (rung === null) return this.master;
    const r = this.rung(rung);
    return r ? llPlaylist(r.view()) : null;
  }

  startRun(run: number, firstTs: number): void {
    this.runStart.set(run, firstTs);
  }

  /** A run's ffmpeg pipes, one per rung in ladder order: read until ffmpeg closes them. */
  attach(run: number, fds: readonly number[]): void {
    fds.forEach((fd, i) => {
      const rung = this.rungs[i];
      if (!rung) return closeSync(fd);
      const done = this.read(run, fd, rung).finally(() => this.reading.delete(done));
      this.reading.add(done);
    });
  }

  private async read(run: number, fd: number, rung: LlRung): Promise<void> {
    const reader = new Fmp4Reader();
    let broken = false;
    const anchor = () => {
      const ts = this.runStart.get(run);
      return ts === undefined ? null : this.opts.arrivalOf(ts);
    };
    try {
      const stream = Bun.file(fd).stream().getReader();
      for (;;) {
        const { done, value: chunk } = await stream.read();
        if (done) break;
        if (broken) continue; // keep draining so ffmpeg never blocks on a full pipe
        try {
          for (const e of reader.push(chunk)) {
            if (e.type === "init") rung.init(run, e.init, anchor);
            else rung.fragment(run, e.fragment);
          }
        } catch (err) {
          broken = true;
          this.opts.log(`llhls: ${rung.name}: run ${run}: unreadable fMP4 (${err instanceof Error ? err.message : String(err)}); dropping this run's output`);
        }
        this.checkReady();
      }
    } finally {
      rung.endRun(run);
      this.checkReady();
      try {
        closeSync(fd);
      } catch {}
    }
  }

  private whole(rung: string, input: string): void {
    this.opts.onSegment(rung, input);
  }

  private checkReady(): void {
    if (this.ready || !this.rungs.every((r) => r.hasSegment)) return;
    // hls.js raises levelEmptyError until a playlist has one whole segment: live only once every rung has one.
    this.ready = true;
    writeFileSync(join(this.opts.dir, "index.m3u8.tmp"), this.master);
    renameSync(join(this.opts.dir, "index.m3u8.tmp"), join(this.opts.dir, "index.m3u8"));
    this.opts.onReady();
  }

  /** After ffmpeg has exited: the pipes' last bytes are read, then every rung ends (ENDLIST on its replay). */
  async finish(): Promise<void> {
    await Promise.all([...this.reading]);
    for (const r of this.rungs) r.end();
  }
}
