// Stream lifecycle, apart from RTMP ingest: onPublish does everything a broadcast needs (record it, probe the
// source, plan the ladder, start the transcoder, go live once playable, posters) and onUnpublish undoes it all
// (stop ffmpeg, finalize the replay, go offline).
import { existsSync, mkdirSync, readFileSync, appendFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../deps";
import type { IngestStream } from "../ingest/rtmp";
import { getRoomById, markLive } from "../rooms/rooms";
import { parseLadder } from "../config";
import { DEFAULT_LADDER, planLadder, type Plan } from "./ffmpeg-args";
import { parseTag } from "./flv";
import { BroadcastOutput } from "./output";
import { ENDLIST, playlistDurationMs } from "./playlists";
import { SourceProbe } from "./probe";
import * as store from "./storage";
import { Transcoder } from "./transcoder";

/** Segments kept in a live playlist. */
const LIVE_WINDOW = 6;
const POLL_MS = 50;
const POSTER_EVERY_MS = 10_000;
/** A publisher that sends no usable video this long after publishing is dropped. */
const PROBE_TIMEOUT_MS = 10_000;

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
  output: BroadcastOutput | null;
  transcoder: Transcoder | null;
  timers: ReturnType<typeof setInterval>[];
  detach: () => void;
  lastPoster: number;
  posterBusy: boolean;
  /**
   * For the first ffmpeg run: replays everything since the publish began (the probe waited for a second
   * keyframe; NMS's GOP cache would start at it and cost a whole GOP of startup), then follows live. Once.
   */
  attachFirst: ((sink: (buf: Uint8Array) => void) => () => void) | null;
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
    const proc = Bun.spawn(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", segment, "-frames:v", "1", "-vf", "scale=-2:'min(360,ih)'", "-q:v", "5", tmp], { stdout: "ignore", stderr: "ignore" });
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
      onSegment: (rung, _seg, path) => {
        if (rung === lowest && Date.now() - live.lastPoster >= POSTER_EVERY_MS) poster(live, path);
      },
    });
    live.output = output;
    live.transcoder = new Transcoder({
      dir: live.dir, plan, attach: (sink) => live.attachFirst?.(sink) ?? live.stream.attach(sink), log: (m) => log(`media: ${live.slug}: ${m}`),
      onRun: (run, firstTs) => output.startRun(run, firstTs),
    });
    live.transcoder.start();
    live.timers.push(setInterval(() => {
      try {
        output.poll();
      } catch (err) {
        log(`media: ${live.slug}: playlist update failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, POLL_MS));
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
      transcoder: null, timers: [], detach: () => {}, lastPoster: 0, posterBusy: false, ending: null, attachFirst: null, resumed: false,
    };
    bySlug.set(room.slug, live);
    byRoom.set(room.id, live);
    const probe = new SourceProbe(config.segmentSeconds);
    let probing = true;
    const early: Uint8Array[] = [];
    const tee = new Set<(buf: Uint8Array) => void>();
    live.attachFirst = (sink) => {
      live.attachFirst = null;
      for (const buf of early) sink(buf);
      early.length = 0;
      tee.add(sink);
      return () => tee.delete(sink);
    };
    // One light observer for the whole broadcast: the arrival clock, the probe until the ladder is planned,
    // and the feed of the first ffmpeg run.
    live.detach = stream.attach((buf) => {
      for (const sink of tee) sink(buf);
      if (probing) early.push(buf);
      const tag = parseTag(buf);
      if (!tag || tag.type === "script") return;
      const now = Date.now();
      if (!tag.config && now - tag.ts < live.clockBase) live.clockBase = now - tag.ts;
      if (live.resumed && tag.type === "video" && tag.keyframe && !tag.config) {
        live.resumed = false;
        // After this tag is delivered, so the new run's GOP cache starts at this keyframe exactly once.
        setImmediate(() => live.transcoder?.restart());
      }
      if (!probing) return;
      const verdict = probe.push(tag);
      if (verdict.state === "waiting") return;
      probing = false;
      if (verdict.state === "refused") {
        early.length = 0;
        log(`media: ${room.slug}: refusing the stream from ${stream.remote}: ${verdict.reason}`);
        stream.kick(verdict.reason);
        return;
      }
      const info = verdict.info;
      log(`media: ${room.slug}: source ${info.videoCodec} ${info.width}x${info.height}@${info.fps} ${info.videoKbps ? ` ~${info.videoKbps} kbps` : ""} keyframes ${info.gopSeconds ?? "?"} s, audio ${info.audio?.codec ?? "none"}`);
      startTranscoder(live, planLadder(info, ladderFor(room.id), config.segmentSeconds));
    });
    const probeTimer = setTimeout(() => {
      if (probing) {
        probing = false;
        early.length = 0;
        log(`media: ${room.slug}: no usable video within ${PROBE_TIMEOUT_MS / 1000} s from ${stream.remote}`);
        stream.kick("no usable video");
      }
    }, PROBE_TIMEOUT_MS);
    live.timers.push(probeTimer);
  }

  function end(live: Live): Promise<void> {
    live.ending ??= (async () => {
      for (const t of live.timers) clearInterval(t);
      live.detach();
      await live.transcoder?.stop();
      live.output?.finish();
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
      // NMS continues the timestamps across the gap, so the old arrival anchor would be off by the gap.
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
    livePlaylist(slug, rung) {
      const live = bySlug.get(slug);
      return live?.output?.isReady ? live.output.playlist(rung) : null;
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
