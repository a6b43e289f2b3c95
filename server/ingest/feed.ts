// One publish as an FLV tag stream for the media layer, built straight from the RTMP messages node-media-server
// reassembles. NMS's own broadcast made two zero-filled copies of every message (an FLV tag and an RTMP message
// nobody plays) and kept both in GOP caches; here each message is copied once, into an append-only arena (the
// server's page faults fell from ~390 to ~340 a second per live room: docs/live.md, "Transcode overhead").

/** FLV tag types as RTMP message types: audio 8, video 9, AMF0 data 18. */
export type MediaType = 8 | 9 | 18;

/** Tags kept for a late subscriber: everything since the last keyframe, bounded like NMS's cache was. */
const MAX_GOP_TAGS = 4096;
/** Arenas hold many tags; a tag bigger than this gets one of its own size. */
const ARENA_BYTES = 1 << 20;

const FLV_HEADER = Uint8Array.of(0x46, 0x4c, 0x56, 0x01, 0x05, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00);

/** What a message is, from its first body bytes (legacy FLV codec ids and Enhanced RTMP's ExHeader). */
function kindOf(type: MediaType, body: Uint8Array, length: number): "config" | "key" | "frame" | "meta" {
  if (type === 18) return "meta";
  const b0 = length > 0 ? body[0]! : 0;
  if (type === 8) {
    const format = b0 >> 4;
    // AAC's AudioSpecificConfig; Enhanced RTMP audio (format 9) marks a sequence start with packet type 0.
    if ((format === 10 && length > 1 && body[1] === 0) || (format === 9 && (b0 & 0x0f) === 0)) return "config";
    return "frame";
  }
  if (b0 & 0x80) {
    // Enhanced RTMP: [1 | frameType:3 | packetType:4]; packet type 0 is the sequence start, 4 metadata.
    const packetType = b0 & 0x0f;
    if (packetType === 0) return "config";
    return ((b0 >> 4) & 0x07) === 1 && packetType !== 4 ? "key" : "frame";
  }
  // AVC (7) and the pre-Enhanced-RTMP HEVC id (12) both mark their configuration record with packet type 0.
  const codec = b0 & 0x0f;
  if ((codec === 7 || codec === 12) && length > 1 && body[1] === 0) return "config";
  return ((b0 >> 4) & 0x07) === 1 ? "key" : "frame";
}

export class TagFeed {
  private arena = new Uint8Array(0);
  private used = 0;
  private meta: Uint8Array | null = null;
  private audioConfig: Uint8Array | null = null;
  private videoConfig: Uint8Array | null = null;
  /** Null until the first keyframe: a subscriber never starts on a frame it cannot decode. */
  private gop: Uint8Array[] | null = null;
  private readonly sinks = new Set<(buf: Uint8Array) => void>();
  /** Last timestamp per track, and the shift applied after a resumed publish so the timeline continues. */
  private readonly last = { 8: 0, 9: 0 };
  private readonly shift = { 8: 0, 9: 0 };

  /** Subscribes: the FLV header, the cached metadata and codec configs and the current GOP, then every tag. */
  attach(sink: (buf: Uint8Array) => void): () => void {
    sink(FLV_HEADER);
    for (const b of [this.meta, this.audioConfig, this.videoConfig]) if (b) sink(b);
    for (const b of this.gop ?? []) sink(b);
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** The same encoder reconnected: its clock restarts at 0, ours continues after the last tag. */
  resume(): void {
    this.shift[8] = this.last[8];
    this.shift[9] = this.last[9];
  }

  /** One reassembled RTMP message; `body` may be reused by the caller once this returns. */
  push(type: MediaType, clock: number, body: Uint8Array, length: number): void {
    const kind = kindOf(type, body, length);
    let ts = clock;
    if (type !== 18) {
      if (kind !== "config") ts += this.shift[type];
      this.last[type] = ts;
    }
    const tag = this.alloc(15 + length);
    tag[0] = type;
    tag[1] = length >>> 16;
    tag[2] = length >>> 8;
    tag[3] = length;
    tag[4] = ts >>> 16;
    tag[5] = ts >>> 8;
    tag[6] = ts;
    tag[7] = ts >>> 24;
    tag[8] = tag[9] = tag[10] = 0;
    tag.set(body.subarray(0, length), 11);
    const size = 11 + length;
    tag[size] = size >>> 24;
    tag[size + 1] = size >>> 16;
    tag[size + 2] = size >>> 8;
    tag[size + 3] = size;
    if (kind === "meta") this.meta = tag;
    else if (kind === "config") {
      if (type === 8) this.audioConfig = tag;
      else this.videoConfig = tag;
    } else if (kind === "key") this.gop = [tag];
    else if (this.gop && this.gop.length < MAX_GOP_TAGS) this.gop.push(tag);
    else this.gop = null;
    for (const sink of this.sinks) sink(tag);
  }

  /** Tags are never overwritten: subscribers and the GOP cache may hold them as long as they like. */
  private alloc(n: number): Uint8Array {
    if (n > ARENA_BYTES / 4) return new Uint8Array(n);
    if (this.used + n > this.arena.length) {
      this.arena = new Uint8Array(ARENA_BYTES);
      this.used = 0;
    }
    const out = this.arena.subarray(this.used, this.used + n);
    this.used += n;
    return out;
  }
}
