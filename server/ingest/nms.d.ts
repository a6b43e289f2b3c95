// The few node-media-server v4 internals the ingest uses (the package ships no types).
declare module "node-media-server/src/core/context.js" {
  import type { EventEmitter } from "node:events";
  const Context: { config: Record<string, unknown>; sessions: Map<string, unknown>; broadcasts: Map<string, NmsBroadcast>; eventEmitter: EventEmitter };
  export default Context;
}
declare module "node-media-server/src/core/logger.js" {
  const logger: { log(message: string, level?: string): void };
  export default logger;
}
declare module "node-media-server/src/session/base_session.js" {
  export default class BaseSession {
    id: string;
    ip: string;
    protocol: string;
    streamPath: string;
    sendBuffer: (buf: Buffer) => void;
    close: () => void;
  }
}
declare module "node-media-server/src/session/rtmp_session.js" {
  import type { Socket } from "node:net";
  import BaseSession from "node-media-server/src/session/base_session.js";
  export default class RtmpSession extends BaseSession {
    constructor(socket: Socket);
    socket: Socket;
    isPublisher: boolean;
    broadcast: NmsBroadcast;
    rtmp: NmsRtmp;
    onConnect: (req: unknown) => void;
    onPlay: () => void;
    onPush: () => void;
    onOutput: (buf: Buffer) => void;
    onData: (data: Buffer) => void;
    onClose: () => void;
    onError: (err: Error) => void;
  }
}
interface NmsRtmp {
  streamId: number;
  /** Set by the connect command. */
  streamApp?: string;
  /** The message being parsed: carries the stream id a client asked on before NMS accepted it. */
  parserPacket: { header: { stream_id: number; length: number; type: number }; clock: number; payload: Buffer };
  /** Reads a chunk's message header (length, type, stream id); NMS then allocates the declared length. */
  chunkMessageHeaderRead(): number;
  onConnectCallback: (req: unknown) => void;
  onPlayCallback: () => void;
  onPushCallback: () => void;
  onOutputCallback: (buf: Buffer) => void;
  parserData(data: Buffer): string | null | undefined;
  /** Called with a whole audio, video or data message in parserPacket. */
  dataHandler(): void;
  onPublish(msg: { streamName: string }): void;
  onPlay(msg: unknown): void;
  onDeleteStream(msg: unknown): void;
  sendStatusMessage(sid: number, level: string, code: string, description: string): void;
}
interface NmsBroadcast {
  streamPath: string;
  publishGraceMs: number;
  publisher: unknown;
  getPublishStatus(): "publishing" | "reconnecting" | "idle";
}
