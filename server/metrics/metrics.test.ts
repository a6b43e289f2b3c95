// The collector fed by real bus facts: counters move, per-room series stay bounded to the top rooms, and the
// text is well-formed (promtool checks the real server's output in test/metrics.test.ts).
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBus } from "../events/bus";
import { createMetrics, TOP_ROOMS } from "./metrics";
import { metricsAccess } from "./routes";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "lh-metrics-"));
  const db = new Database(join(dir, "livehouse.db"));
  db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x)");
  const bus = createBus();
  const viewers = new Map<number, number>();
  const metrics = createMetrics({ bus, db, dataDir: dir, viewers: (id) => viewers.get(id) ?? 0, sockets: { roomIds: () => [1], members: () => 3 }, log: () => {} });
  return { dir, db, bus, viewers, metrics, done: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const value = (text: string, series: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test("facts feed the counters: chat, gifts, orders and GMV by currency, restarts, lag", () => {
  const { bus, metrics, done } = setup();
  bus.emit("room.event", { roomId: 1, event: { type: "chat", id: 1, user: null, text: "hi", parts: [{ t: "text", v: "hi" }], bot: false, at: 0, offsetMs: 0 } });
  bus.emit("room.event", { roomId: 1, event: { type: "like", count: 1, total: 1 } });
  bus.emit("gift.sent", { roomId: 1, sendId: 1, senderId: 2, creatorId: 3, giftId: 4, count: 3, coins: 30, creatorCoins: 21, platformCoins: 9, at: 0 });
  bus.emit("order.placed", { orderId: 1, buyerId: 2, sellerId: 3, productId: 4, provider: "wallet", roomId: 1, quantity: 1, totalMinor: 30, currency: "COIN", at: 0 });
  for (const [id, total, cur] of [[1, 1999, "EUR"], [2, 1, "EUR"], [3, 500, "USD"]] as const)
    bus.emit("order.paid", { orderId: id, buyerId: 2, buyerName: "b", sellerId: 3, productId: 4, title: "t", quantity: 1, roomId: null, totalMinor: total, currency: cur, at: 0 });
  bus.emit("transcoder.restarted", { roomId: 1, slug: "a" });
  bus.emit("media.segment", { roomId: 1, slug: "a", rung: "360p", durationMs: 1000, lagMs: 700 });
  const text = metrics.text();
  expect(value(text, "livehouse_chat_messages_total")).toBe(1);
  expect(value(text, "livehouse_gifts_total")).toBe(3);
  expect(value(text, "livehouse_gift_coins_total")).toBe(30);
  expect(value(text, 'livehouse_orders_placed_total{provider="wallet"}')).toBe(1);
  expect(value(text, 'livehouse_gmv_minor_total{currency="EUR"}')).toBe(2000);
  expect(value(text, 'livehouse_gmv_minor_total{currency="USD"}')).toBe(500);
  expect(value(text, "livehouse_transcoder_restarts_total")).toBe(1);
  expect(value(text, 'livehouse_ingest_playlist_lag_seconds_bucket{le="0.5"}')).toBe(0);
  expect(value(text, 'livehouse_ingest_playlist_lag_seconds_bucket{le="1"}')).toBe(1);
  expect(value(text, "livehouse_websocket_connections")).toBe(3);
  done();
});

test("per-room series only for the top rooms by viewers; totals cover all", () => {
  const { bus, viewers, metrics, done } = setup();
  for (let id = 1; id <= 50; id++) {
    bus.emit("broadcast.started", { roomId: id, slug: `room-${id}`, broadcastId: id, at: 0 });
    viewers.set(id, id);
  }
  const text = metrics.text();
  expect(value(text, "livehouse_rooms_live")).toBe(50);
  expect(value(text, "livehouse_viewers")).toBe((50 * 51) / 2);
  const perRoom = text.split("\n").filter((l) => l.startsWith("livehouse_room_viewers{"));
  expect(perRoom.length).toBe(TOP_ROOMS);
  expect(perRoom[0]).toBe('livehouse_room_viewers{room="room-50"} 50');
  bus.emit("broadcast.ended", { roomId: 50, slug: "room-50", broadcastId: 50, at: 1 });
  expect(value(metrics.text(), "livehouse_rooms_live")).toBe(49);
  done();
});

test("HTTP series are keyed by route pattern", () => {
  const { metrics, done } = setup();
  metrics.observeHttp("GET", "/r/:slug", 200, 0.003);
  metrics.observeHttp("GET", "/r/:slug", 200, 0.2);
  const text = metrics.text();
  expect(value(text, 'livehouse_http_requests_total{method="GET",route="/r/:slug",status="200"}')).toBe(2);
  expect(value(text, 'livehouse_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/r/:slug"}')).toBe(1);
  expect(value(text, 'livehouse_http_request_duration_seconds_count{method="GET",route="/r/:slug"}')).toBe(2);
  done();
});

test("access: loopback is open unless proxied; elsewhere only the bearer token", () => {
  const h = (o: Record<string, string> = {}) => new Headers(o);
  expect(metricsAccess({ address: "127.0.0.1", headers: h() }, "")).toBe("ok");
  expect(metricsAccess({ address: "::1", headers: h() }, "")).toBe("ok");
  expect(metricsAccess({ address: "::ffff:127.0.0.1", headers: h() }, "")).toBe("ok");
  expect(metricsAccess({ address: "127.0.0.1", headers: h({ "x-forwarded-for": "203.0.113.9" }) }, "")).toBe("forbidden");
  expect(metricsAccess({ address: "203.0.113.9", headers: h() }, "")).toBe("forbidden");
  expect(metricsAccess({ address: "203.0.113.9", headers: h() }, "s3cret")).toBe("unauthorized");
  expect(metricsAccess({ address: "203.0.113.9", headers: h({ authorization: "Bearer wrong!" }) }, "s3cret")).toBe("unauthorized");
  expect(metricsAccess({ address: "203.0.113.9", headers: h({ authorization: "Bearer s3cret" }) }, "s3cret")).toBe("ok");
});
