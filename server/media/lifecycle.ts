// Stream lifecycle, apart from RTMP ingest: onPublish does everything a broadcast needs (record it, probe the
// source, plan the ladder, start the transcoder, go live once playable, posters) and onUnpublish undoes it all
// (stop ffmpeg, finalize the replay, go offline).
import { existsSync, mkdirSync, readFileSync, appendFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../deps";
import type { IngestStream } from "../ingest/rtmp";
import { latencyOf } from "../rooms/model";
import { getRoomById, markLive } from "../rooms/rooms";
import { parseLadder } from "../config";
import { buildLowLatencyArgs, buildPosterArgs, copyLimitKbps, DEFAULT_LADDER, planLadder, type Plan } from "./ffmpeg-args";
import { parseTag, tagHead } from "./flv";
import { adviceFor, InputMeter } from "./health";
import { LlOutput } from "./llhls-output";
import type { StreamHealth } from "./model";
import { BroadcastOutput } from "./output";
import { ENDLIST, playlistDurationMs } from "./playlists";
import { SourceProbe, type SourceInfo } from "./probe";
import * as store from "./storage";
import { Transcoder } from "./transcoder";

declare module "../events/bus" {
  interface Facts {
    /** A segment reached the live playlist; lagMs: from its last frame's arrival to now. */
    "media.segment": { roomId: number; slug: string; rung: string; durationMs: number; lagMs: number };
    /** A room's ffmpeg died on its own and is being restarted. */
    "transcoder.restarted": { roomId: number; slug: string };
  }
}

/** Segments kept in a live playlist. */
const LIVE_WINDOW = 6;
const POLL_MS = 50;
/** A poster is an ffmpeg start (~0.2 CPU s): every 10 s it cost a live room as much as the rest of the server. */
const POSTER_EVERY_MS = 60_000;
/** A publisher that sends no usable video this long after publishing is dropped. */
const PROBE_TIMEOUT_MS = 10_000;
/** Low-latency mode always cuts 1 s segments (keyframes every second): hls.js loops on longer ones (docs/live.md). */
const LL_SEGMENT_SECONDS = 1;

interface Live {
  broadcastId: number;
  roomId: number;
  slug: string;
  dir: string;
  startedAt: number;
  stream: IngestStream;
  /** min(arrival − publisher timestamp) in ms. */
  clockBase: number;
  plan: Plan | null;
  output: BroadcastOutput | LlOutput | null;
  transcoder: Transcoder | null;
  timers: ReturnType<typeof setInterval>[];
  pollTimer: ReturnType<typeof setInterval> | null;
  detach: () => void;
  lastPoster: number;
  posterBusy: boolean;
  /**
   * For the first ffmpeg run: replays everything since the publish began (the probe waited for a second
   * keyframe; the ingest's GOP cache would start at it and cost a whole GOP of startup), then follows live. Once.
   */
  attachFirst: ((sink: (buf: Uint8Array) => void) => () => void) | null;
  source: SourceInfo | null;
  meter: InputMeter;
  liveAt: number | null;
  ending: Promise<void> | null;
  /** The encoder reconnected: restart the transcoder at its first keyframe. */
  resumed: boolean;
}

export function mediaRoot(deps: Pick<Deps, "config">): string {
  return join(deps.config.dataDir, "media", "broadcasts");
}

export function broadcastDir(deps: Pick<Deps, "config">, id: number): string {
  return join(mediaRoot(deps), String(id));
}

export interface Media {
  onPublish(stream: IngestStream): void;
  onResume(roomId: number): void;
  onUnpublish(roomId: number): void;
  /** Folder of the room's live broadcast once it is playable. */
  liveDir(slug: string): string | null;
  /** The live master (rung null) or rendition playlist text, from memory. */
  livePlaylist(slug: string, rung: string | null): string | null;
  /** The room's live standard-mode output once it is playable (null for low-latency mode or offline). */
  standard(slug: string): BroadcastOutput | null;
  /** The room's stream health while someone publishes to it; null otherwise. */
  health(slug: string): StreamHealth | null;
  /** The room's live low-latency output once it is playable (null for standard mode or offline). */
  lowLatency(slug: string): LlOutput | null;
  recover(): void;
  sweep(): void;
  stopAll(): Promise<void>;
}

export function createMedia(deps: Deps): Media {
  const { config, db, bus, log } = deps;
  const bySlug = new Map<string, Live>();
  const byRoom = new Map<number, Live>();

  function ladderFor(roomId: number): readonly number[] {
    return parseLadder(store.getRoomLadder(db, roomId) ?? "") ?? parseLadder(config.ladder) ?? DEFAULT_LADDER;
  }

  function poster(live: Live, segment: string): void {
    if (live.posterBusy) return;
    live.posterBusy = true;
    live.lastPoster = Date.now();
    const tmp = join(live.dir, "poster.tmp.jpg");
    const proc = Bun.spawn(["ffmpeg", ...buildPosterArgs(segment, tmp)], { stdout: "ignore", stderr: "ignore" });
    void proc.exited.then((code) => {
      live.posterBusy = false;
      // The broadcast may have ended (and its empty folder been removed) while ffmpeg ran: nothing to refresh.
      if (code === 0) {
        try {
          renameSync(tmp, join(live.dir, "poster.jpg"));
        } catch {}
      }
    });
  }

  /** Live means playable: the facts and the room flag wait for the master playlist, so no viewer gets a 404. */
  function goLive(live: Live): void {
    markLive(db, live.roomId, live.startedAt);
    const at = deps.now();
    live.liveAt = at;
    bus.emit("broadcast.started", { roomId: live.roomId, slug: live.slug, broadcastId: live.broadcastId, at });
    bus.emit("room.event", { roomId: live.roomId, event: { type: "live", live: true, slug: live.slug, hls: `/live/${live.slug}/index.m3u8`, broadcastId: live.broadcastId, at } });
    log(`media: ${live.slug} is live (broadcast ${live.broadcastId}, ${live.plan!.rungs.map((r) => r.name + (r.copy ? " copy" : "")).join(", ")}) ${at - live.startedAt} ms after publish`);
  }

  function startTranscoder(live: Live, plan: Plan): void {
    live.plan = plan;
    store.setBroadcastLadder(db, live.broadcastId, plan.rungs.map((r) => r.name));
    const lowest = plan.rungs[plan.rungs.length - 1]!.name;
    const output = new BroadcastOutput({
      dir: live.dir, plan, liveWindow: LIVE_WINDOW,
      arrivalOf: (ts) => (Number.isFinite(live.clockBase) ? live.clockBase + ts : null),
      onReady: () => goLive(live),
      onSegment: (rung, seg, path) => {
        const durationMs = seg.duration * 1000;
        bus.emit("media.segment", { roomId: live.roomId, slug: live.slug, rung, durationMs, lagMs: Date.now() - (seg.pdt + durationMs) });
        if (rung === lowest && Date.now() - live.lastPoster >= POSTER_EVERY_MS) poster(live, path);
      },
    });
    live.output = output;
    live.transcoder = new Transcoder({
      dir: live.dir, plan, attach: (sink) => live.attachFirst?.(sink) ?? live.stream.attach(sink), log: (m) => log(`media: ${live.slug}: ${m}`),
      onRun: (run, firstTs) => output.startRun(run, firstTs),
      onLevel: (p) => output.setPlan(p, false),
      onCrash: () => bus.emit("transcoder.restarted", { roomId: live.roomId, slug: live.slug }),
    });
    live.transcoder.start();
    live.pollTimer = setInterval(() => {
      try {
        output.poll();
      } catch (err) {
        log(`media: ${live.slug}: playlist update failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, POLL_MS);
  }

  /**
   * The ladder started before the second keyframe on the assumption that keyframes line up with segments; when
   * they do not (or the frame rate or bitrate changes the plan), it starts over on the corrected plan from the
   * publish's first byte. Nothing is live yet: the copied rung cannot have cut a segment without that keyframe.
   */
  function replan(live: Live, plan: Plan, rearm: () => void): void {
    const old = live.transcoder;
    if (live.pollTimer) clearInterval(live.pollTimer);
    live.transcoder = null;
    live.output = null;
    void old?.stop(0).then(() => {
      if (live.ending) return;
      for (const r of new Set([...plan.rungs.map((x) => x.name), ...(live.plan?.rungs.map((x) => x.name) ?? [])])) rmSync(join(live.dir, r), { recursive: true, force: true });
      rearm();
      startTranscoder(live, plan);
    });
  }

  const shape = (plan: Plan) => JSON.stringify([plan.rungs.map((r) => [r.name, r.copy, r.fps, r.width, r.height]), plan.audio?.copy ?? null]);

  /** Low-latency mode: the same ladder as fragmented MP4 on pipes, cut into LL-HLS parts by LlOutput. */
  function startLowLatency(live: Live, plan: Plan): void {
    live.plan = plan;
    store.setBroadcastLadder(db, live.broadcastId, plan.rungs.map((r) => r.name));
    const lowest = plan.rungs[plan.rungs.length - 1]!.name;
    const output = new LlOutput({
      dir: live.dir, plan, log: (m) => log(`media: ${live.slug}: ${m}`),
      arrivalOf: (ts) => (Number.isFinite(live.clockBase) ? live.clockBase + ts : null),
      onReady: () => goLive(live),
      onSegment: (rung, input) => {
        if (rung === lowest && Date.now() - live.lastPoster >= POSTER_EVERY_MS) poster(live, input);
      },
    });
    live.output = output;
    live.transcoder = new Transcoder({
      dir: live.dir, plan, attach: (sink) => live.attachFirst?.(sink) ?? live.stream.attach(sink), log: (m) => log(`media: ${live.slug}: ${m}`),
      onRun: (run, firstTs) => output.startRun(run, firstTs),
      pipes: { args: buildLowLatencyArgs(plan), count: plan.rungs.length, onPipes: (run, fds) => output.attach(run, fds) },
    });
    live.transcoder.start();
  }

  function onPublish(stream: IngestStream): void {
    const room = getRoomById(db, stream.roomId);
    if (!room) return stream.kick("room no longer exists");
    const startedAt = deps.now();
    const broadcastId = store.insertBroadcast(db, room.id, startedAt);
    const dir = broadcastDir(deps, broadcastId);
    mkdirSync(dir, { recursive: true });
    const live: Live = {
      broadcastId, roomId: room.id, slug: room.slug, dir, startedAt, stream, clockBase: Number.POSITIVE_INFINITY, plan: null, output: null,
      transcoder: null, timers: [], pollTimer: null, source: null, meter: new InputMeter(), liveAt: null, detach: () => {}, lastPoster: 0, posterBusy: false, ending: null, attachFirst: null, resumed: false,
    };
    bySlug.set(room.slug, live);
    byRoom.set(room.id, live);
    const probe = new SourceProbe(config.segmentSeconds);
    let probing = true;
    /**
     * Everything since the publish began, kept until a run on the settled plan is attached: the probe waits for
     * keyframes (the ingest's GOP cache would start at the latest one and cost a whole GOP of startup), and the early
     * run may have to start over from the first byte.
     */
    let buffering = true;
    let settled = false;
    const early: Uint8Array[] = [];
    const tee = new Set<(buf: Uint8Array) => void>();
    const arm = () => {
      live.attachFirst = (sink) => {
        live.attachFirst = null;
        for (const buf of early) sink(buf);
        if (settled) {
          buffering = false;
          early.length = 0;
        }
        tee.add(sink);
        return () => tee.delete(sink);
      };
    };
    arm();
    // One light observer for the whole broadcast: the arrival clock, the probe until the ladder is settled,
    // and the feed of the first ffmpeg run.
    live.detach = stream.attach((buf) => {
      const tag = tagHead(buf);
      if (live.resumed && tag?.type === "video" && tag.keyframe && !tag.config) {
        live.resumed = false;
        // Before the tee delivers this keyframe: the transcoder hands it to a new run.
        live.transcoder?.restart();
      }
      for (const sink of tee) sink(buf);
      if (buffering) early.push(buf);
      if (!tag || tag.type === "script") return;
      const now = Date.now();
      if (!tag.config && now - tag.ts < live.clockBase) live.clockBase = now - tag.ts;
      live.meter.push(tag, buf.length, now);
      if (!probing) return;
      const verdict = probe.push(parseTag(buf)!);
      if (verdict.state === "waiting") return;
      if (verdict.state === "refused") {
        probing = buffering = false;
        early.length = 0;
        log(`media: ${room.slug}: refusing the stream from ${stream.remote}: ${verdict.reason}`);
        stream.kick(verdict.reason);
        return;
      }
      const info = verdict.info;
      if (latencyOf(room, config.latencyMode) === "low") {
        // Low-latency mode cuts 1 s parts-bearing segments from the settled plan (no early start: its pipes are fixed).
        if (!verdict.settled) return;
        probing = false;
        settled = true;
        live.source = verdict.info;
        log(`media: ${room.slug}: source ${verdict.info.videoCodec} ${verdict.info.width}x${verdict.info.height}@${verdict.info.fps} keyframes ${verdict.info.gopSeconds ?? "?"} s, audio ${verdict.info.audio?.codec ?? "none"} (low latency)`);
        return startLowLatency(live, planLadder(verdict.info, ladderFor(room.id), LL_SEGMENT_SECONDS));
      }
      const seg = config.segmentSeconds;
      if (verdict.settled) {
        probing = false;
        settled = true;
      }
      log(`media: ${room.slug}: source ${info.videoCodec} ${info.width}x${info.height}@${info.fps}${info.videoKbps ? ` ~${info.videoKbps} kbps` : ""} keyframes ${info.gopSeconds ?? (verdict.settled ? `> ${seg}` : "?")} s, audio ${info.audio?.codec ?? "none"}${verdict.settled ? "" : " (starting before the second keyframe)"}`);
      live.source = info;
      // Before the second keyframe, assume it lines up with the segments (what Studio asks encoders to send).
      const plan = planLadder(verdict.settled ? info : { ...info, gopSeconds: seg }, ladderFor(room.id), seg);
      if (!live.plan) return startTranscoder(live, plan);
      if (shape(plan) === shape(live.plan) || live.output?.isReady) {
        // Only the estimates changed (the first GOP's bitrate): the master, written once playable, carries them.
        if (live.output instanceof BroadcastOutput) live.output.setPlan(plan);
        live.plan = plan;
        buffering = false;
        early.length = 0;
        return;
      }
      log(`media: ${room.slug}: the source does not fit the early plan (${live.plan.rungs.map((r) => r.name + (r.copy ? " copy" : "")).join(", ")}); starting over with ${plan.rungs.map((r) => r.name + (r.copy ? " copy" : "")).join(", ")}`);
      replan(live, plan, arm);
    });
    const probeTimer = setTimeout(() => {
      if (probing && !live.plan) {
        probing = buffering = false;
        early.length = 0;
        log(`media: ${room.slug}: no usable video within ${PROBE_TIMEOUT_MS / 1000} s from ${stream.remote}`);
        stream.kick("no usable video");
      }
    }, PROBE_TIMEOUT_MS);
    live.timers.push(probeTimer);
  }

  function healthOf(live: Live): StreamHealth {
    const now = Date.now();
    const src = live.source;
    const rates = live.meter.rates(now);
    const tx = live.transcoder;
    const stats = tx?.stats() ?? null;
    const full = tx?.fullPlan ?? live.plan;
    const current = tx?.plan ?? live.plan;
    const outStats = live.output instanceof BroadcastOutput ? live.output.stats(now) : [];
    const rungs = (full?.rungs ?? []).map((r) => {
      const now_ = current?.rungs.find((x) => x.name === r.name);
      const o = outStats.find((x) => x.name === r.name);
      return { name: r.name, copy: r.copy, fps: now_?.fps ?? r.fps, active: !!now_ && !!o?.active, pace: o?.pace ?? null, lagSeconds: o?.lag ?? null };
    });
    const top = rungs.find((r) => r.active);
    const round = (n: number | null, d = 2) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
    return {
      slug: live.slug, live: live.output?.isReady ?? false, publishedAt: live.startedAt, startMs: live.liveAt === null ? null : live.liveAt - live.startedAt,
      input: src ? {
        ...rates, keyframeSeconds: live.meter.keyframeSeconds ?? src.gopSeconds, codec: src.videoCodec, profile: src.profile ?? null,
        width: src.width, height: src.height, audio: src.audio?.codec ?? null,
      } : null,
      transcode: stats ? {
        level: stats.level, maxLevel: stats.levels - 1, degraded: stats.level > 0, speed: stats.speed, behindSeconds: stats.lag,
        droppedFrames: stats.droppedFrames, restarts: stats.restarts, rungs: rungs.map((r) => ({ ...r, pace: round(r.pace), lagSeconds: round(r.lagSeconds) })),
      } : null,
      latencySeconds: round(top?.lagSeconds ?? null),
      advice: adviceFor(src, full, current, { fps: rates.fps, keyframeSeconds: live.meter.keyframeSeconds }, stats?.backlog ?? false, config.segmentSeconds, src ? copyLimitKbps(src) : null),
    };
  }

  function end(live: Live): Promise<void> {
    live.ending ??= (async () => {
      for (const t of live.timers) clearInterval(t);
      if (live.pollTimer) clearInterval(live.pollTimer);
      live.detach();
      await live.transcoder?.stop();
      await live.output?.finish();
      bySlug.delete(live.slug);
      byRoom.delete(live.roomId);
      const wasLive = live.output?.isReady ?? false;
      const duration = live.output?.durationMs ?? 0;
      const at = deps.now();
      store.endBroadcast(db, live.broadcastId, at, duration);
      markLive(db, live.roomId, null);
      if (!wasLive) {
        store.deleteBroadcast(db, live.broadcastId);
        rmSync(live.dir, { recursive: true, force: true });
        return;
      }
      bus.emit("broadcast.ended", { roomId: live.roomId, slug: live.slug, broadcastId: live.broadcastId, at });
      bus.emit("room.event", { roomId: live.roomId, event: { type: "live", live: false, slug: live.slug, broadcastId: live.broadcastId, replay: `/replays/${live.broadcastId}/index.m3u8`, at } });
      log(`media: ${live.slug} is offline (broadcast ${live.broadcastId}, ${Math.round(duration / 1000)} s recorded)`);
    })();
    return live.ending;
  }

  return {
    onPublish(stream) {
      try {
        onPublish(stream);
      } catch (err) {
        log(`media: publish failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        stream.kick("internal error");
      }
    },
    onResume(roomId) {
      const live = byRoom.get(roomId);
      if (!live) return;
      // The ingest continues the timestamps across the gap, so the old arrival anchor would be off by the gap.
      live.clockBase = Number.POSITIVE_INFINITY;
      live.resumed = live.transcoder !== null;
    },
    onUnpublish(roomId) {
      const live = byRoom.get(roomId);
      if (live) void end(live).catch((err) => log(`media: ending broadcast ${live.broadcastId} failed: ${err instanceof Error ? err.message : String(err)}`));
    },
    liveDir(slug) {
      const live = bySlug.get(slug);
      return live?.output?.isReady ? live.dir : null;
    },
    lowLatency(slug) {
      const out = bySlug.get(slug)?.output;
      return out instanceof LlOutput && out.isReady ? out : null;
    },
    standard(slug) {
      const out = bySlug.get(slug)?.output;
      return out instanceof BroadcastOutput && out.isReady ? out : null;
    },
    livePlaylist(slug, rung) {
      const live = bySlug.get(slug);
      return live?.output?.isReady ? live.output.playlist(rung) : null;
    },
    health(slug) {
      const live = bySlug.get(slug);
      return live ? healthOf(live) : null;
    },
    recover() {
      // A crash leaves broadcasts open: close their replay playlists with whatever was recorded.
      for (const b of store.openBroadcasts(db)) {
        const dir = broadcastDir(deps, b.id);
        let duration = 0;
        for (const rung of b.ladder) {
          const path = join(dir, rung, "replay.m3u8");
          if (!existsSync(path)) continue;
          const text = readFileSync(path, "utf8");
          if (!text.includes(ENDLIST)) appendFileSync(path, ENDLIST);
          duration ||= playlistDurationMs(text);
        }
        store.endBroadcast(db, b.id, deps.now(), duration);
        log(`media: closed broadcast ${b.id} left open by a previous run`);
      }
    },
    sweep() {
      const days = config.replayRetentionDays;
      const before = days > 0 ? deps.now() - days * 86_400_000 : 0;
      for (const b of store.expiredBroadcasts(db, before)) {
        if (bySlug.size && [...bySlug.values()].some((l) => l.broadcastId === b.id)) continue;
        rmSync(broadcastDir(deps, b.id), { recursive: true, force: true });
        store.deleteBroadcast(db, b.id);
      }
    },
    async stopAll() {
      await Promise.all([...byRoom.values()].map(end));
    },
  };
}
