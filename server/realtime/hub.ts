// The realtime hub: who is connected to which room, and the fan-out of room events.
// Every event is published twice: as JSON on roomTopic(roomId) (bots, overlays), and as HTML rendered once per
// language, by the renderer table it is given, on htmlTopic(roomId, lang) (room pages via hx-ws). With Bun's
// server attached the fan-out is Bun's native pub/sub; without it (unit tests with fake sockets) the hub loops
// over its own members.
// HTML frames are coalesced: events wait for the end of the event-loop tick, and frames go out at most once per
// window; all events of a window become one frame per language, which keeps a busy room cheap to serve (one write
// per socket per window instead of one per event; a quiet room still gets each event at once). The window grows
// with the audience, from MIN_FLUSH_MS to MAX_FLUSH_MS at 10,000 sockets (bench-chat: at 10,000 clients a 100 ms
// window halves the writes of a 50 ms one and kept p99 near 250 ms on 2 cores shared with the clients).
// JSON stays one event per frame.
// With several processes (--redis-url) the hub also carries room events, per-user events and disconnects to the
// other processes' hubs over the cluster, which deliver them to their own sockets only. "viewers" events are not
// carried: every process counts the same shared presence (viewers.ts) and tells its own sockets.
import type { Bus } from "../events/bus";
import type { Cluster } from "../events/cluster";
import { LANGS, translator, type Lang, type Translate } from "../i18n";
import { renderEvent, roomTopic, type RoomEvent, type RoomRenderers } from "./model";

export interface HubSocket {
  send(s: string): void;
  close(code?: number, reason?: string): void;
  /** Real Bun sockets subscribe to their topics; fakes may leave this out. */
  subscribe?(topic: string): void;
}

export interface Publisher {
  publish(topic: string, data: string): unknown;
}

export type MemberKind = "page" | "json";

export interface Member {
  readonly roomId: number;
  readonly socket: HubSocket;
  readonly kind: MemberKind;
  readonly lang: Lang;
  readonly userId: number | null;
  /** Distinct viewer id (one per page load); null for bots and overlays, which are not viewers. */
  readonly viewerId: string | null;
}

export function htmlTopic(roomId: number, lang: Lang): string {
  return `${roomTopic(roomId)}:html:${lang}`;
}

function topicOf(m: Member): string {
  return m.kind === "page" ? htmlTopic(m.roomId, m.lang) : roomTopic(m.roomId);
}

export const MIN_FLUSH_MS = 25;
export const MAX_FLUSH_MS = 100;

/** The coalescing window for a topic with this many sockets. */
export function flushWindow(sockets: number): number {
  return Math.min(MAX_FLUSH_MS, Math.max(MIN_FLUSH_MS, sockets / 100));
}

const translators: Record<Lang, Translate> = Object.fromEntries(LANGS.map((l) => [l, translator(l)])) as Record<Lang, Translate>;

const OOB_APPEND = /^(<(\w+)\b[^>]*\bhx-swap-oob="beforeend"[^>]*>)([\s\S]*)(<\/\2>)$/;

/**
 * Joins the fragments of one frame; consecutive appends to the same element share one wrapper
 * (ten chat lines become one <ul hx-swap-oob="beforeend"> with ten items), which keeps busy frames small.
 */
export function mergeAppends(parts: readonly string[]): string {
  const out: string[] = [];
  let open = "";
  let close = "";
  for (const p of parts) {
    const m = OOB_APPEND.exec(p);
    if (m && m[1] === open) {
      out.pop();
      out.push(m[3]!, close);
      continue;
    }
    if (m) out.push(m[1]! + m[3]!, m[4]!);
    else out.push(p);
    open = m ? m[1]! : "";
    close = m ? m[4]! : "";
  }
  return out.join("");
}

const CH_ROOM = "hub:room";
const CH_USER = "hub:user";
const CH_KICK = "hub:kick";

export function createHub(deps: { bus: Bus; log: (msg: string) => void; renderers: RoomRenderers; cluster?: Cluster; onRemote?: (roomId: number, event: RoomEvent) => void }) {
  const rooms = new Map<number, Set<Member>>();
  const byTopic = new Map<string, Set<Member>>();
  const byUser = new Map<number, Set<Member>>();
  const pending = new Map<string, string[]>();
  let native: Publisher | null = null;
  let scheduled = false;

  function add<K>(map: Map<K, Set<Member>>, key: K, m: Member): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(m);
  }

  function remove<K>(map: Map<K, Set<Member>>, key: K, m: Member): void {
    const set = map.get(key);
    if (set?.delete(m) && set.size === 0) map.delete(key);
  }

  function safeSend(m: Member, data: string): void {
    try {
      m.socket.send(data);
    } catch (err) {
      deps.log(`realtime: send failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  function fanout(topic: string, data: string): void {
    if (native) {
      native.publish(topic, data);
      return;
    }
    for (const m of byTopic.get(topic) ?? []) safeSend(m, data);
  }

  let lastFlush = -Infinity;
  let flushEvery = MIN_FLUSH_MS;

  function flush(): void {
    scheduled = false;
    lastFlush = performance.now();
    flushEvery = MIN_FLUSH_MS;
    const frames = [...pending];
    pending.clear();
    for (const [topic, parts] of frames) fanout(topic, mergeAppends(parts));
  }

  function queueHtml(topic: string, html: string): void {
    let q = pending.get(topic);
    if (!q) pending.set(topic, (q = []));
    q.push(html);
    flushEvery = Math.max(flushEvery, flushWindow(byTopic.get(topic)?.size ?? 0));
    if (!scheduled) {
      scheduled = true;
      const wait = lastFlush + flushEvery - performance.now();
      if (wait > 0) setTimeout(flush, wait);
      else setImmediate(flush);
    }
  }

  function langsIn(roomId: number): Set<Lang> {
    const langs = new Set<Lang>();
    for (const lang of LANGS) if (byTopic.has(htmlTopic(roomId, lang))) langs.add(lang);
    return langs;
  }

  function publish(roomId: number, event: RoomEvent): void {
    fanout(roomTopic(roomId), JSON.stringify(event));
    for (const lang of langsIn(roomId)) {
      const html = renderEvent(deps.renderers, event, translators[lang]);
      if (html) queueHtml(htmlTopic(roomId, lang), html);
    }
  }

  /** Sends an event to one member only, rendered for its kind: JSON for bots and overlays, HTML in its language for pages. */
  function send(m: Member, event: RoomEvent): void {
    const data = m.kind === "json" ? JSON.stringify(event) : renderEvent(deps.renderers, event, translators[m.lang]);
    if (data) safeSend(m, data);
  }

  function closeQuietly(m: Member, code: number, reason: string): void {
    try {
      m.socket.close(code, reason);
    } catch {}
  }

  /** On shutdown: 1012 "service restart" makes htmx's hx-ws reconnect once the server is back. */
  function closeAll(): void {
    for (const set of rooms.values()) for (const m of set) closeQuietly(m, 1012, "server restarting");
  }

  function toUser(roomId: number, userId: number, event: RoomEvent): void {
    for (const m of byUser.get(userId) ?? []) if (m.roomId === roomId) send(m, event);
  }

  function disconnectUser(userId: number, roomId?: number): void {
    for (const m of [...(byUser.get(userId) ?? [])]) if (roomId === undefined || m.roomId === roomId) closeQuietly(m, 1008, roomId === undefined ? "suspended" : "banned");
  }

  const cluster = deps.cluster?.shared ? deps.cluster : null;
  // Messages come from our own processes; a malformed one is dropped rather than trusted.
  const offs = [
    deps.bus.on("room.event", ({ roomId, event }) => {
      publish(roomId, event);
      if (cluster && event.type !== "viewers") cluster.publish(CH_ROOM, { r: roomId, e: event });
    }),
    ...(cluster
      ? [
          cluster.on(CH_ROOM, (msg) => {
            const m = msg as { r?: unknown; e?: RoomEvent };
            if (typeof m.r !== "number" || typeof m.e?.type !== "string") return;
            publish(m.r, m.e);
            deps.onRemote?.(m.r, m.e);
          }),
          cluster.on(CH_USER, (msg) => {
            const m = msg as { r?: unknown; u?: unknown; e?: RoomEvent };
            if (typeof m.r === "number" && typeof m.u === "number" && typeof m.e?.type === "string") toUser(m.r, m.u, m.e);
          }),
          cluster.on(CH_KICK, (msg) => {
            const m = msg as { r?: unknown; u?: unknown };
            if (typeof m.u === "number") disconnectUser(m.u, typeof m.r === "number" ? m.r : undefined);
          }),
        ]
      : []),
  ];

  return {
    attach(publisher: Publisher): void {
      native = publisher;
    },
    get attached(): boolean {
      return native !== null;
    },
    join(roomId: number, socket: HubSocket, opts: { kind: MemberKind; lang: Lang; userId: number | null; viewerId?: string | null }): Member {
      const m: Member = { roomId, socket, kind: opts.kind, lang: opts.lang, userId: opts.userId, viewerId: opts.kind === "page" ? opts.viewerId ?? null : null };
      add(rooms, roomId, m);
      add(byTopic, topicOf(m), m);
      if (m.userId !== null) add(byUser, m.userId, m);
      socket.subscribe?.(topicOf(m));
      return m;
    },
    leave(m: Member): void {
      remove(rooms, m.roomId, m);
      remove(byTopic, topicOf(m), m);
      if (m.userId !== null) remove(byUser, m.userId, m);
    },
    publish,
    send,
    /** The user's sockets in the room, on every process. */
    toUser(roomId: number, userId: number, event: RoomEvent): void {
      toUser(roomId, userId, event);
      cluster?.publish(CH_USER, { r: roomId, u: userId, e: event });
    },
    /** 1008 "policy violation": pages do not reconnect. A room ban passes its room; a suspension passes none. On every process. */
    disconnectUser(userId: number, roomId?: number): void {
      disconnectUser(userId, roomId);
      cluster?.publish(CH_KICK, { u: userId, r: roomId ?? null });
    },
    /** Distinct page viewers connected to the room right now. */
    viewerIds(roomId: number): string[] {
      const ids: string[] = [];
      for (const m of rooms.get(roomId) ?? []) if (m.viewerId) ids.push(m.viewerId);
      return ids;
    },
    roomIds(): number[] {
      return [...rooms.keys()];
    },
    /** Signed-in users with a socket in the room (class attendance). */
    userIds(roomId: number): number[] {
      const ids: number[] = [];
      for (const m of rooms.get(roomId) ?? []) if (m.userId !== null) ids.push(m.userId);
      return ids;
    },
    members(roomId: number): number {
      return rooms.get(roomId)?.size ?? 0;
    },
    /** Sends anything still queued (tests and shutdown). */
    flush,
    closeAll,
    stop(): void {
      for (const off of offs) off();
      flush();
      closeAll();
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
