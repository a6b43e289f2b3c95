// Fragmented MP4 as ffmpeg writes it on a pipe (-movflags +frag_keyframe+empty_moov+default_base_moof): an init
// segment (ftyp + moov) and then moof + mdat pairs. Pure: bytes in, init and fragments out, with just enough of
// the boxes read to cut LL-HLS parts (track kinds and timescales, each fragment's decode time, duration and
// whether it starts on a keyframe). Nothing here knows about HLS.

export interface Track {
  id: number;
  kind: "video" | "audio" | "other";
  timescale: number;
  /** trex defaults; ffmpeg writes 0 for both, so tfhd's values are the ones that count. */
  defaultDuration: number;
  defaultFlags: number;
}

export interface Init {
  bytes: Uint8Array;
  tracks: Track[];
}

export interface TrackRun {
  trackId: number;
  /** tfdt, in the track's timescale. */
  baseTime: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  samples: number;
  /** The first sample is a sync sample (a keyframe for video). */
  independent: boolean;
}

export interface Fragment {
  /** moof + mdat, as written. */
  bytes: Uint8Array;
  sequence: number;
  runs: TrackRun[];
}

export type Fmp4Event = { type: "init"; init: Init } | { type: "fragment"; fragment: Fragment };

/** ISO/IEC 14496-12 sample_is_non_sync_sample, bit 16 of the sample flags. */
const NON_SYNC = 0x10000;

interface Box {
  type: string;
  /** Payload start and end (after the header) within the buffer given. */
  start: number;
  end: number;
}

function boxes(buf: Uint8Array, from: number, to: number): Box[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(buf[at + 4]!, buf[at + 5]!, buf[at + 6]!, buf[at + 7]!);
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Error(`fmp4: box ${type} at ${at} runs past its parent`);
    out.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return out;
}

const child = (buf: Uint8Array, parent: Box, type: string): Box | undefined => boxes(buf, parent.start, parent.end).find((b) => b.type === type);
const children = (buf: Uint8Array, parent: Box, type: string): Box[] => boxes(buf, parent.start, parent.end).filter((b) => b.type === type);

function viewOf(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Tracks from an init segment (ftyp + moov). */
export function parseInit(bytes: Uint8Array): Init {
  const v = viewOf(bytes);
  const moov = boxes(bytes, 0, bytes.length).find((b) => b.type === "moov");
  if (!moov) throw new Error("fmp4: init segment has no moov");
  const trex = new Map<number, { duration: number; flags: number }>();
  const mvex = child(bytes, moov, "mvex");
  for (const t of mvex ? children(bytes, mvex, "trex") : []) {
    // version/flags(4) track_ID(4) default_sample_description_index(4) duration(4) size(4) flags(4)
    trex.set(v.getUint32(t.start + 4), { duration: v.getUint32(t.start + 12), flags: v.getUint32(t.start + 20) });
  }
  const tracks: Track[] = [];
  for (const trak of children(bytes, moov, "trak")) {
    const tkhd = child(bytes, trak, "tkhd");
    const mdia = child(bytes, trak, "mdia");
    const mdhd = mdia && child(bytes, mdia, "mdhd");
    const hdlr = mdia && child(bytes, mdia, "hdlr");
    if (!tkhd || !mdhd || !hdlr) throw new Error("fmp4: trak without tkhd/mdhd/hdlr");
    const id = v.getUint32(tkhd.start + (bytes[tkhd.start] === 1 ? 20 : 12));
    const timescale = v.getUint32(mdhd.start + (bytes[mdhd.start] === 1 ? 20 : 12));
    const handler = String.fromCharCode(...bytes.subarray(hdlr.start + 8, hdlr.start + 12));
    const d = trex.get(id) ?? { duration: 0, flags: 0 };
    tracks.push({ id, kind: handler === "vide" ? "video" : handler === "soun" ? "audio" : "other", timescale, defaultDuration: d.duration, defaultFlags: d.flags });
  }
  return { bytes, tracks };
}

/** What a moof says about each track (tfhd defaults over trex, trun values over both). */
export function parseMoof(bytes: Uint8Array, moof: Box, tracks: readonly Track[]): { sequence: number; runs: TrackRun[] } {
  const v = viewOf(bytes);
  const mfhd = child(bytes, moof, "mfhd");
  const sequence = mfhd ? v.getUint32(mfhd.start + 4) : 0;
  const runs: TrackRun[] = [];
  for (const traf of children(bytes, moof, "traf")) {
    const tfhd = child(bytes, traf, "tfhd");
    if (!tfhd) throw new Error("fmp4: traf without tfhd");
    const hf = v.getUint32(tfhd.start) & 0xffffff;
    const trackId = v.getUint32(tfhd.start + 4);
    const track = tracks.find((t) => t.id === trackId);
    let at = tfhd.start + 8;
    if (hf & 0x1) at += 8; // base_data_offset
    if (hf & 0x2) at += 4; // sample_description_index
    let defDuration = track?.defaultDuration ?? 0;
    let defFlags = track?.defaultFlags ?? 0;
    if (hf & 0x8) {
      defDuration = v.getUint32(at);
      at += 4;
    }
    if (hf & 0x10) at += 4; // default_sample_size
    if (hf & 0x20) defFlags = v.getUint32(at);
    const tfdt = child(bytes, traf, "tfdt");
    const baseTime = !tfdt ? 0 : bytes[tfdt.start] === 1 ? Number(v.getBigUint64(tfdt.start + 4)) : v.getUint32(tfdt.start + 4);
    let duration = 0;
    let samples = 0;
    let firstFlags: number | null = null;
    for (const trun of children(bytes, traf, "trun")) {
      const rf = v.getUint32(trun.start) & 0xffffff;
      const count = v.getUint32(trun.start + 4);
      let p = trun.start + 8;
      if (rf & 0x1) p += 4; // data_offset
      let first: number | null = null;
      if (rf & 0x4) {
        first = v.getUint32(p);
        p += 4;
      }
      for (let i = 0; i < count; i++) {
        let dur = defDuration;
        let flags = i === 0 && first !== null ? first : defFlags;
        if (rf & 0x100) {
          dur = v.getUint32(p);
          p += 4;
        }
        if (rf & 0x200) p += 4; // sample_size
        if (rf & 0x400) {
          const f = v.getUint32(p);
          p += 4;
          if (!(i === 0 && first !== null)) flags = f;
        }
        if (rf & 0x800) p += 4; // composition time offset
        if (p > trun.end) throw new Error("fmp4: trun runs past its box");
        if (samples === 0 && i === 0) firstFlags = flags;
        duration += dur;
      }
      samples += count;
    }
    runs.push({ trackId, baseTime, duration, samples, independent: firstFlags !== null && (firstFlags & NON_SYNC) === 0 });
  }
  return { sequence, runs };
}

/**
 * Splits a byte stream into the init segment and whole fragments. Chunks may cut boxes anywhere; a fragment is
 * given out once its mdat is complete.
 */
export class Fmp4Reader {
  private buf = new Uint8Array(0);
  private head: Uint8Array[] = [];
  private init: Init | null = null;
  private moof: Uint8Array | null = null;

  get tracks(): readonly Track[] {
    return this.init?.tracks ?? [];
  }

  push(chunk: Uint8Array): Fmp4Event[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const events: Fmp4Event[] = [];
    const v = viewOf(joined);
    let at = 0;
    for (;;) {
      if (at + 8 > joined.length) break;
      let size = v.getUint32(at);
      if (size === 1) {
        if (at + 16 > joined.length) break;
        size = Number(v.getBigUint64(at + 8));
      }
      if (size < 8) throw new Error(`fmp4: bad box size ${size}`);
      if (at + size > joined.length) break;
      const type = String.fromCharCode(joined[at + 4]!, joined[at + 5]!, joined[at + 6]!, joined[at + 7]!);
      const box = joined.slice(at, at + size);
      at += size;
      this.take(type, box, events);
    }
    this.buf = joined.slice(at);
    return events;
  }

  private take(type: string, box: Uint8Array, events: Fmp4Event[]): void {
    if (!this.init) {
      this.head.push(box);
      if (type !== "moov") return;
      const bytes = concat(this.head);
      this.head = [];
      this.init = parseInit(bytes);
      events.push({ type: "init", init: this.init });
      return;
    }
    if (type === "moof") {
      this.moof = box;
    } else if (type === "mdat" && this.moof) {
      const bytes = concat([this.moof, box]);
      const moofBox = boxes(this.moof, 0, this.moof.length)[0]!;
      const { sequence, runs } = parseMoof(this.moof, moofBox, this.init.tracks);
      this.moof = null;
      events.push({ type: "fragment", fragment: { bytes, sequence, runs } });
    }
    // styp, sidx, mfra and the like carry nothing a part needs.
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
