// RTMP ingest: node-media-server v4's RTMP session and broadcast pieces on our own TCP listener (its server
// class would process.exit() on a bind error). The stream key is checked on every publish before NMS answers,
// a live room takes one publisher, and the media layer sees only IngestStream: FLV bytes in, kick out. NMS
// reassembles the messages and keeps the publish's lifecycle (reconnect grace); the media itself goes from its
// parser straight into a TagFeed, past NMS's broadcast copies.
import { createServer, type Server, type Socket } from "node:net";
import Context from "node-media-server/src/core/context.js";
import nmsLogger from "node-media-server/src/core/logger.js";
import RtmpSession from "node-media-server/src/session/rtmp_session.js";
import { batchReads, type ReadBatcher } from "./batching";
import { TagFeed } from "./feed";

/** A live publish as the media layer sees it. */
export interface IngestStream {
  roomId: number;
  slug: string;
  remote: string;
  /** Subscribes to the FLV stream: header, cached codec headers and GOP first, then every tag as it arrives. */
  attach(sink: (buf: Uint8Array) => void): () => void;
  /** Ends the publish (the publisher's connection is closed); onUnpublish follows. */
  kick(reason: string): void;
}

export interface IngestOptions {
  port: number;
  host: string;
  /** How long a dropped publisher may take to reconnect into the same broadcast. */
  graceMs: number;
  log: (msg: string) => void;
  /** Looked up on every publish, so a rotated key is refused at once. */
  authorize(streamKey: string): { roomId: number; slug: string } | null;
  onPublish(stream: IngestStream): void;
  /** The dropped encoder reconnected inside the grace window: same broadcast, a new timeline anchor. */
  onResume(roomId: number): void;
  onUnpublish(roomId: number): void;
}

const APP = "live";
/** Unauthenticated sockets that never publish are dropped after this long without data. */
const IDLE_MS = 15_000;
// Before a stream key was accepted a socket costs us as little as possible (a trickling client once kept a socket
// forever; a chunk header declaring 16 MB made NMS allocate 16 MB): an absolute deadline for handshake + publish
// whatever the client sends, a cap on such sockets per address, and a cap on the message size NMS may allocate.
/** Handshake, connect and an accepted publish must all happen within this long. */
export const AUTH_DEADLINE_MS = 10_000;
/** Connections per address that have not published yet (OBS needs one per output). */
export const MAX_PENDING_PER_IP = 5;
/** Largest RTMP message before publish: connect/createStream/publish commands are a few hundred bytes. */
export const MAX_PRE_PUBLISH_MESSAGE = 64 * 1024;

// NMS logs stream paths, which would carry stream keys; our own log lines say what matters.
nmsLogger.log = () => {};

export interface RtmpIngest {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createRtmpIngest(opts: IngestOptions): RtmpIngest {
  const sockets = new Set<Socket>();
  const active = new Map<string, { roomId: number; session: RtmpSession; feed: TagFeed }>();
  /** The feed each accepted publishing session's media goes to. */
  const feeds = new WeakMap<RtmpSession, TagFeed>();
  /** Room of each authorized publishing session, by NMS session id. */
  const roomIds = new Map<string, number>();
  /** Sockets per address that have not been accepted as publishers yet. */
  const pending = new Map<string, number>();
  let server: Server | null = null;

  function refuse(session: RtmpSession, code: string, description: string, why: string): void {
    opts.log(`rtmp: refused publish from ${session.socket.remoteAddress ?? "?"}: ${why}`);
    // NMS sets streamId only once it accepts: answer on the stream the client asked on.
    const rtmp = session.rtmp;
    rtmp.sendStatusMessage(rtmp.streamId || rtmp.parserPacket.header.stream_id || 1, "error", code, description);
    session.socket.end();
    setTimeout(() => session.socket.destroy(), 1000).unref();
  }

  function onPublish(session: RtmpSession, original: NmsRtmp["onPublish"], msg: { streamName: string }): void {
    const key = String(msg.streamName ?? "").split("?")[0] ?? "";
    const app = session.rtmp.streamApp;
    const room = app === APP ? opts.authorize(key) : null;
    if (!room) return refuse(session, "NetStream.Publish.BadName", "invalid stream key", app === APP ? "unknown or rotated stream key" : `unknown app "${app}"`);
    const path = `/${APP}/${room.slug}`;
    const existing = Context.broadcasts.get(path);
    if (existing?.getPublishStatus() === "publishing") {
      return refuse(session, "NetStream.Publish.BadName", "this room is already live", `room ${room.slug} already has a publisher`);
    }
    roomIds.set(session.id, room.roomId);
    accepted.get(session)?.();
    // NMS keys broadcasts by stream path: use the slug so the key never lives in NMS state or logs.
    original.call(session.rtmp, { ...msg, streamName: room.slug });
    session.broadcast.publishGraceMs = opts.graceMs;
    session.socket.setTimeout(0);
  }

  const onPostPublish = (session: RtmpSession) => {
    if (!session.streamPath?.startsWith(`/${APP}/`)) return;
    const slug = session.streamPath.slice(APP.length + 2);
    const prev = active.get(slug);
    if (prev) {
      // The same encoder came back inside the grace window: NMS continues its timeline, the broadcast goes on.
      prev.session = session;
      prev.feed.resume();
      feeds.set(session, prev.feed);
      opts.log(`rtmp: ${slug} publisher reconnected from ${session.socket.remoteAddress}`);
      opts.onResume(prev.roomId);
      return;
    }
    const roomId = roomIds.get(session.id);
    if (roomId === undefined) return;
    const entry = { roomId, session, feed: new TagFeed() };
    active.set(slug, entry);
    feeds.set(session, entry.feed);
    opts.log(`rtmp: ${slug} publishing from ${session.socket.remoteAddress}`);
    const broadcast = session.broadcast;
    opts.onPublish({
      roomId, slug, remote: session.socket.remoteAddress ?? "",
      attach: (sink) => entry.feed.attach(sink),
      kick(reason) {
        opts.log(`rtmp: ${slug} publisher dropped: ${reason}`);
        broadcast.publishGraceMs = 0;
        entry.session.socket.destroy();
      },
    });
  };

  const onDonePublish = (session: RtmpSession) => {
    const slug = session.streamPath?.slice(APP.length + 2);
    const entry = slug ? active.get(slug) : undefined;
    if (!slug || !entry) return;
    active.delete(slug);
    opts.log(`rtmp: ${slug} publish ended`);
    opts.onUnpublish(entry.roomId);
  };

  let warnedUnbatched = false;
  /** Ends a session's pre-publish limits once its stream key was accepted, and starts batching its reads. */
  const accepted = new WeakMap<RtmpSession, () => void>();

  function handle(socket: Socket): void {
    const ip = socket.remoteAddress ?? "?";
    if ((pending.get(ip) ?? 0) >= MAX_PENDING_PER_IP) {
      opts.log(`rtmp: refusing ${ip}: ${MAX_PENDING_PER_IP} connections from it have not published yet`);
      socket.destroy();
      return;
    }
    pending.set(ip, (pending.get(ip) ?? 0) + 1);
    let unauthenticated = true;
    const deadline = setTimeout(() => {
      opts.log(`rtmp: dropping ${ip}: no accepted publish within ${AUTH_DEADLINE_MS / 1000} s`);
      socket.destroy();
    }, AUTH_DEADLINE_MS);
    const release = () => {
      if (!unauthenticated) return;
      unauthenticated = false;
      clearTimeout(deadline);
      const n = (pending.get(ip) ?? 1) - 1;
      if (n > 0) pending.set(ip, n);
      else pending.delete(ip);
    };
    sockets.add(socket);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    const session = new RtmpSession(socket);
    let batcher: ReadBatcher | null = null;
    accepted.set(session, () => {
      release();
      batcher = batchReads(socket);
      if (!batcher && !warnedUnbatched) {
        warnedUnbatched = true;
        opts.log("rtmp: publisher reads are not batched here (no SO_RCVLOWAT through libc): the ingest costs more CPU");
      }
    });
    const rtmp = session.rtmp;
    // NMS allocates a message's whole declared length once its first chunk header was read: refuse big ones
    // as soon as the header says so, until the stream key was accepted (the throw reaches the data handler
    // below, which drops the socket).
    const readHeader = rtmp.chunkMessageHeaderRead;
    rtmp.chunkMessageHeaderRead = function (this: NmsRtmp) {
      const offset = readHeader.call(this);
      const length = this.parserPacket.header.length;
      if (unauthenticated && length > MAX_PRE_PUBLISH_MESSAGE) throw new Error(`a ${length}-byte message before publish`);
      return offset;
    };
    const originalPublish = rtmp.onPublish;
    rtmp.onPublish = (msg) => onPublish(session, originalPublish, msg);
    // Only publishers are served: playback is HLS over HTTP.
    rtmp.onPlay = () => refuse(session, "NetStream.Play.Failed", "playback over RTMP is not offered", "RTMP play request");
    // Each whole media message goes to the room's feed instead of NMS's broadcast.
    rtmp.dataHandler = function (this: NmsRtmp) {
      const p = this.parserPacket;
      const type = p.header.type;
      // Media before an accepted publish has nowhere to go; AMF3 data (15) is not an FLV tag type.
      if (type === 8 || type === 9 || type === 18) feeds.get(session)?.push(type, p.clock, p.payload, p.header.length);
    };
    // A clean stop (OBS "Stop Streaming", ffmpeg exiting) ends the broadcast at once; only a dropped
    // connection waits out the reconnect grace.
    rtmp.onDeleteStream = () => {
      if (session.isPublisher) session.broadcast.publishGraceMs = 0;
    };
    rtmp.onConnectCallback = session.onConnect;
    rtmp.onPlayCallback = session.onPlay;
    rtmp.onPushCallback = session.onPush;
    rtmp.onOutputCallback = session.onOutput;
    socket.on("data", (data: Buffer) => {
      batcher?.onRead(data.length);
      try {
        session.onData(data);
      } catch (err) {
        // Garbage on the port must never take the process down.
        opts.log(`rtmp: dropping ${socket.remoteAddress}: bad data (${err instanceof Error ? err.message : String(err)})`);
        socket.destroy();
      }
    });
    socket.on("close", () => {
      release();
      batcher?.stop();
      sockets.delete(socket);
      roomIds.delete(session.id);
      try {
        session.onClose();
      } catch (err) {
        opts.log(`rtmp: close: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    socket.on("error", () => {});
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        const srv = createServer(handle);
        srv.once("error", (err: NodeJS.ErrnoException) => reject(new Error(`--rtmp-port: cannot listen on ${opts.host}:${opts.port} (${err.code ?? err.message})`)));
        srv.listen(opts.port, opts.host, () => {
          server = srv;
          Context.eventEmitter.on("postPublish", onPostPublish);
          Context.eventEmitter.on("donePublish", onDonePublish);
          srv.on("error", (err) => opts.log(`rtmp: ${err.message}`));
          resolve();
        });
      });
    },
    async stop() {
      const srv = server;
      server = null;
      for (const entry of active.values()) entry.session.broadcast.publishGraceMs = 0;
      for (const s of sockets) s.destroy();
      Context.eventEmitter.off("postPublish", onPostPublish);
      Context.eventEmitter.off("donePublish", onDonePublish);
      if (srv) await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
