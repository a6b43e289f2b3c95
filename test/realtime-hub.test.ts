// The hub and the viewer counter with fake sockets: no port, no server.
import { describe, expect, test } from "bun:test";
import type { ChatEvent } from "../server/chat/model";
import { chatRenderers } from "../server/chat/renderers";
import { createBus } from "../server/events/bus";
import { mediaRenderers } from "../server/media/renderers";
import { createHub, type HubSocket } from "../server/realtime/hub";
import { realtimeRenderers } from "../server/realtime/renderers";
import { createViewerCounter, PING_EXPIRY_MS } from "../server/realtime/viewers";

class FakeSocket implements HubSocket {
  frames: string[] = [];
  closed = false;
  send(s: string): void {
    this.frames.push(s);
  }
  close(): void {
    this.closed = true;
  }
}

const chat = (id: number, text: string): ChatEvent => ({
  type: "chat", id, user: { username: "ann", displayName: "Ann" }, text, parts: [{ t: "text", v: text }], bot: false, at: 1, offsetMs: null,
});

function setup() {
  const bus = createBus(() => {});
  const hub = createHub({ bus, log: () => {}, renderers: { ...realtimeRenderers, ...chatRenderers, ...mediaRenderers } });
  return { bus, hub };
}

describe("hub", () => {
  test("one event, two renderings: JSON to bots, HTML per language to pages, coalesced per tick", async () => {
    const { bus, hub } = setup();
    const bot = new FakeSocket(), en = new FakeSocket(), zh = new FakeSocket(), other = new FakeSocket();
    hub.join(1, bot, { kind: "json", lang: "en", userId: null });
    hub.join(1, en, { kind: "page", lang: "en", userId: null, viewerId: "viewer-en-1" });
    hub.join(1, zh, { kind: "page", lang: "zh", userId: null, viewerId: "viewer-zh-1" });
    hub.join(2, other, { kind: "page", lang: "en", userId: null });
    bus.emit("room.event", { roomId: 1, event: chat(1, "hi <b>") });
    bus.emit("room.event", { roomId: 1, event: { type: "moderation", action: "slow", seconds: 5 } });
    expect(bot.frames.map((f) => JSON.parse(f).type)).toEqual(["chat", "moderation"]);
    expect(en.frames).toEqual([]); // HTML waits for the end of the tick
    await new Promise((r) => setImmediate(r));
    expect(en.frames.length).toBe(1);
    expect(en.frames[0]).toContain('hx-swap-oob="beforeend"');
    expect(en.frames[0]).toContain("hi &lt;b&gt;");
    expect(en.frames[0]).toContain("Slow mode: one message every 5 seconds.");
    expect(zh.frames[0]).toContain("慢速模式");
    expect(other.frames).toEqual([]);
  });

  test("a busy room gets one HTML frame per flush window, not one per event", async () => {
    const { bus, hub } = setup();
    const page = new FakeSocket();
    hub.join(1, page, { kind: "page", lang: "en", userId: null });
    bus.emit("room.event", { roomId: 1, event: chat(1, "first") });
    await new Promise((r) => setImmediate(r));
    expect(page.frames.length).toBe(1); // a quiet room: at once
    for (let i = 2; i <= 5; i++) bus.emit("room.event", { roomId: 1, event: chat(i, `burst ${i}`) });
    await new Promise((r) => setImmediate(r));
    expect(page.frames.length).toBe(1); // within the window: held back
    hub.flush();
    expect(page.frames.length).toBe(2);
    expect(page.frames[1]!.match(/<li /g)?.length).toBe(4);
    expect(page.frames[1]!.match(/<ul /g)?.length).toBe(1); // one wrapper for the four lines
  });

  test("events without an HTML rendering reach JSON sockets only; unknown types too", async () => {
    const { bus, hub } = setup();
    const bot = new FakeSocket(), page = new FakeSocket();
    hub.join(1, bot, { kind: "json", lang: "en", userId: null });
    hub.join(1, page, { kind: "page", lang: "en", userId: null });
    bus.emit("room.event", { roomId: 1, event: { type: "moderation", action: "unban", username: "x" } });
    // @ts-expect-error a type no domain declares: tsc refuses it, and at run time it still only reaches JSON sockets
    bus.emit("room.event", { roomId: 1, event: { type: "purchase-unknown" } });
    await new Promise((r) => setImmediate(r));
    expect(bot.frames.length).toBe(2);
    expect(page.frames).toEqual([]);
  });

  test("live events swap the live badge out of band", async () => {
    const { bus, hub } = setup();
    const page = new FakeSocket();
    hub.join(1, page, { kind: "page", lang: "en", userId: null });
    bus.emit("room.event", { roomId: 1, event: { type: "live", live: true, slug: "a", hls: "/live/a/index.m3u8", broadcastId: 1, at: 1 } });
    await new Promise((r) => setImmediate(r));
    expect(page.frames[0]).toBe('<span class="badge live" id="live-badge" hx-swap-oob="true">LIVE</span>');
  });

  test("toUser reaches only that user's sockets in that room; leave stops delivery; ban closes", async () => {
    const { bus, hub } = setup();
    const mine = new FakeSocket(), mineElsewhere = new FakeSocket(), theirs = new FakeSocket();
    hub.join(1, mine, { kind: "json", lang: "en", userId: 7 });
    const m2 = hub.join(2, mineElsewhere, { kind: "json", lang: "en", userId: 7 });
    const m3 = hub.join(1, theirs, { kind: "json", lang: "en", userId: 8 });
    hub.toUser(1, 7, chat(5, "blocked"));
    expect(mine.frames.length).toBe(1);
    expect(mineElsewhere.frames).toEqual([]);
    expect(theirs.frames).toEqual([]);
    hub.leave(m3);
    bus.emit("room.event", { roomId: 1, event: chat(6, "after leave") });
    expect(theirs.frames).toEqual([]);
    hub.disconnectUser(7);
    expect(mine.closed && mineElsewhere.closed).toBe(true);
    hub.leave(m2);
  });

  test("with Bun's server attached, fan-out goes through its publish", () => {
    const { bus, hub } = setup();
    const published: [string, string][] = [];
    hub.attach({ publish: (topic, data) => published.push([topic, data]) });
    // @ts-expect-error not a whole gift event: the hub passes whatever it gets through as JSON, unchanged
    bus.emit("room.event", { roomId: 3, event: { type: "gift", giftId: 1 } });
    expect(published).toEqual([["room:3", '{"type":"gift","giftId":1}']]);
  });
});

describe("viewer counter", () => {
  test("socket viewers plus HLS pings, counted once per viewer id, pings expire after 15 s", () => {
    let now = 1_000_000;
    const ids: string[] = ["page-viewer-1"];
    const events: unknown[] = [];
    const peaks: number[] = [];
    const v = createViewerCounter({
      now: () => now, socketViewers: () => ids, socketRooms: () => [1],
      emit: (_r, e) => events.push(e), record: (_r, c) => peaks.push(c),
    });
    v.ping(1, "page-viewer-1"); // same page pinging: still one viewer
    v.ping(1, "hls-only-viewer");
    expect(v.count(1)).toBe(2);
    v.tick();
    expect(events).toEqual([{ type: "viewers", count: 2 }]);
    v.tick();
    expect(events.length).toBe(1); // unchanged counts are not re-sent
    now += PING_EXPIRY_MS;
    expect(v.count(1)).toBe(1);
    v.tick();
    expect(events.at(-1)).toEqual({ type: "viewers", count: 1 });
    expect(peaks).toEqual([2, 1]);
  });
});
