// What /metrics reports. Counters are fed from bus facts (chat, gifts, orders, segments, transcoder crashes);
// gauges are read at scrape time. Per-room series exist only for the TOP_ROOMS live rooms with the most viewers,
// so a site with thousands of rooms still has a bounded number of series; totals cover every room.
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { checkpoint, fileBytes } from "../db/checkpoint";
import type { Bus } from "../events/bus";
import { counter, gauge, histogram, render, type Labels } from "./registry";

export const TOP_ROOMS = 10;
const CHECKPOINT_EVERY_MS = 60_000;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.25, 0.5, 1, 1.5, 2, 3, 5, 10];
const CHECKPOINT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1];

export interface MetricSources {
  bus: Bus;
  db: Database;
  dataDir: string;
  viewers(roomId: number): number;
  sockets: { roomIds(): number[]; members(roomId: number): number };
  log(msg: string): void;
}

export function createMetrics(src: MetricSources) {
  const live = new Map<number, { slug: string; speed: number | null; lastSegmentAt: Map<string, number> }>();
  const httpRequests = counter("livehouse_http_requests_total", "HTTP requests by method, route pattern and status.");
  const httpDuration = histogram("livehouse_http_request_duration_seconds", "HTTP request duration by method and route pattern.", LATENCY_BUCKETS);
  const restarts = counter("livehouse_transcoder_restarts_total", "ffmpeg transcoder runs that died and were restarted.");
  const chat = counter("livehouse_chat_messages_total", "Chat messages posted.");
  const gifts = counter("livehouse_gifts_total", "Gift sends.");
  const giftCoins = counter("livehouse_gift_coins_total", "Coins spent on gifts.");
  const ordersPlaced = counter("livehouse_orders_placed_total", "Orders placed, by payment provider.");
  const ordersPaid = counter("livehouse_orders_paid_total", "Orders paid, by currency.");
  const gmv = counter("livehouse_gmv_minor_total", "Gross merchandise value of paid orders in minor units, by currency.");
  const broadcasts = counter("livehouse_broadcasts_total", "Broadcasts started.");
  const lag = histogram("livehouse_ingest_playlist_lag_seconds", "From a segment's last frame arriving over RTMP to the segment being in the live playlist.", LAG_BUCKETS);
  const checkpoints = histogram("livehouse_sqlite_checkpoint_duration_seconds", "Duration of the periodic passive WAL checkpoint.", CHECKPOINT_BUCKETS);
  const segments = counter("livehouse_segments_total", "HLS segments published.");

  /** Every bus listener of the metrics, handed to app.tsx (which unsubscribes them on stop). */
  const listeners: (() => void)[] = [];
  const on: typeof src.bus.on = (name, fn) => {
    const off = src.bus.on(name, fn);
    listeners.push(off);
    return off;
  };
  on("broadcast.started", (f) => {
    live.set(f.roomId, { slug: f.slug, speed: null, lastSegmentAt: new Map() });
    broadcasts.inc();
  });
  on("broadcast.ended", (f) => void live.delete(f.roomId));
  on("transcoder.restarted", () => restarts.inc());
  on("room.event", (f) => {
    if (f.event.type === "chat") chat.inc();
  });
  on("gift.sent", (f) => {
    gifts.inc({}, f.count);
    giftCoins.inc({}, f.coins);
  });
  on("order.placed", (f) => ordersPlaced.inc({ provider: f.provider }));
  on("order.paid", (f) => {
    ordersPaid.inc({ currency: f.currency });
    gmv.inc({ currency: f.currency }, f.totalMinor);
  });
  on("media.segment", (f) => {
    segments.inc();
    lag.observe({}, Math.max(0, f.lagMs) / 1000);
    const room = live.get(f.roomId);
    if (!room) return;
    // Media seconds produced per wall second, from consecutive segments of one rung: 1.0 keeps up with live.
    const now = performance.now();
    const prev = room.lastSegmentAt.get(f.rung);
    room.lastSegmentAt.set(f.rung, now);
    if (prev !== undefined && now > prev) room.speed = f.durationMs / (now - prev);
  });

  function topRooms(): { roomId: number; slug: string; viewers: number; speed: number | null }[] {
    return [...live.entries()]
      .map(([roomId, r]) => ({ roomId, slug: r.slug, viewers: src.viewers(roomId), speed: r.speed }))
      .sort((a, b) => b.viewers - a.viewers || a.slug.localeCompare(b.slug))
      .slice(0, TOP_ROOMS);
  }

  const dbPath = join(src.dataDir, "livehouse.db");
  const started = Date.now();
  let timer: ReturnType<typeof setInterval> | null = null;

  function text(): string {
    const top = topRooms();
    const socketRooms = src.sockets.roomIds();
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    return render([
      gauge("livehouse_rooms_live", "Rooms broadcasting now.", () => [{ value: live.size }]),
      gauge("livehouse_viewers", "Viewers across all rooms.", () => [{ value: [...live.keys()].reduce((n, id) => n + src.viewers(id), 0) }]),
      gauge("livehouse_room_viewers", `Viewers of the ${TOP_ROOMS} live rooms with the most viewers.`, () => top.map((r) => ({ labels: { room: r.slug }, value: r.viewers }))),
      gauge("livehouse_websocket_connections", "Open room WebSocket connections.", () => [{ value: socketRooms.reduce((n, id) => n + src.sockets.members(id), 0) }]),
      gauge("livehouse_room_websocket_connections", `Open WebSocket connections of the ${TOP_ROOMS} top live rooms.`, () => top.map((r) => ({ labels: { room: r.slug }, value: src.sockets.members(r.roomId) }))),
      gauge("livehouse_transcode_speed", "Media seconds transcoded per wall second over the last segment (1 keeps up), top live rooms.", () =>
        top.filter((r) => r.speed !== null).map((r) => ({ labels: { room: r.slug }, value: Math.round(r.speed! * 1000) / 1000 }))),
      restarts, segments, lag, broadcasts, chat, gifts, giftCoins, ordersPlaced, ordersPaid, gmv, httpRequests, httpDuration,
      gauge("livehouse_sqlite_database_bytes", "Size of the SQLite database file.", () => [{ value: fileBytes(dbPath) }]),
      gauge("livehouse_sqlite_wal_bytes", "Size of the SQLite write-ahead log.", () => [{ value: fileBytes(dbPath + "-wal") }]),
      checkpoints,
      gauge("livehouse_start_time_seconds", "When this process started (unix seconds).", () => [{ value: Math.floor(started / 1000) }]),
      { family: { name: "process_cpu_seconds_total", help: "User and system CPU time of this process.", type: "counter" }, read: () => [{ value: (cpu.user + cpu.system) / 1e6 }] },
      gauge("process_resident_memory_bytes", "Resident memory of this process.", () => [{ value: mem.rss }]),
      gauge("process_heap_bytes", "JavaScript heap in use.", () => [{ value: mem.heapUsed }]),
    ]);
  }

  return {
    text,
    listeners,
    /** Records one finished HTTP request; `route` is the matched pattern, never the raw path. */
    observeHttp(method: string, route: string, status: number, seconds: number): void {
      const labels: Labels = { method, route };
      httpRequests.inc({ ...labels, status: String(status) });
      httpDuration.observe(labels, seconds);
    },
    service: {
      name: "metrics",
      start() {
        timer = setInterval(() => {
          try {
            checkpoints.observe({}, checkpoint(src.db).ms / 1000);
          } catch (err) {
            src.log(`metrics: checkpoint failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }, CHECKPOINT_EVERY_MS);
        timer.unref?.();
      },
      stop() {
        if (timer) clearInterval(timer);
      },
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
