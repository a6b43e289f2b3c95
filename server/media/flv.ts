// Reads just enough of an FLV tag stream (as the ingest's TagFeed hands it to a subscriber: the 13-byte file header,
// then one whole tag per buffer) to plan a ladder: codecs, resolution hints, keyframe spacing, arrival clock.
export interface FlvTag {
  type: "audio" | "video" | "script";
  /** Decode timestamp in ms (publisher clock). */
  ts: number;
  keyframe: boolean;
  /** A codec configuration record rather than media. */
  config: boolean;
  videoCodec?: "h264" | "hevc" | "av1" | "vp9" | "other";
  audioCodec?: "aac" | "mp3" | "other";
  /** Body after the codec header bytes (AVCDecoderConfigurationRecord / AudioSpecificConfig for config tags). */
  payload: Uint8Array;
}

const FOURCC: Record<string, FlvTag["videoCodec"]> = { hvc1: "hevc", av01: "av1", vp09: "vp9", avc1: "h264" };

/** Parses one tag buffer; returns null for the file header or anything too short to be a tag. */
export function parseTag(buf: Uint8Array): FlvTag | null {
  if (buf.length < 12 || (buf[0] === 0x46 && buf[1] === 0x4c && buf[2] === 0x56)) return null;
  const kind = buf[0]!;
  const size = (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!;
  const ts = ((buf[7]! << 24) | (buf[4]! << 16) | (buf[5]! << 8) | buf[6]!) >>> 0;
  const body = buf.subarray(11, 11 + size);
  if (kind === 9 && body.length >= 1) {
    const b0 = body[0]!;
    const keyframe = ((b0 >> 4) & 0x07) === 1;
    if (b0 & 0x80) {
      // Enhanced RTMP: [frameType:3 | packetType:4], then a FourCC.
      const fourcc = String.fromCharCode(...body.subarray(1, 5));
      return { type: "video", ts, keyframe, config: (b0 & 0x0f) === 0, videoCodec: FOURCC[fourcc] ?? "other", payload: body.subarray(5) };
    }
    const codecId = b0 & 0x0f;
    if (codecId === 7) return { type: "video", ts, keyframe, config: body[1] === 0, videoCodec: "h264", payload: body.subarray(5) };
    return { type: "video", ts, keyframe, config: false, videoCodec: codecId === 12 ? "hevc" : "other", payload: body.subarray(1) };
  }
  if (kind === 8 && body.length >= 1) {
    const format = body[0]! >> 4;
    if (format === 10) return { type: "audio", ts, keyframe: false, config: body[1] === 0, audioCodec: "aac", payload: body.subarray(2) };
    return { type: "audio", ts, keyframe: false, config: false, audioCodec: format === 2 ? "mp3" : "other", payload: body.subarray(1) };
  }
  return { type: "script", ts, keyframe: false, config: false, payload: body };
}

/**
 * Only what the hot path needs from a tag, without allocating views of its body (measured: parseTag's two
 * subarrays per tag were ~7% of the server's JS time while live): null for the FLV header or a short buffer.
 */
export function tagHead(buf: Uint8Array): { type: FlvTag["type"]; ts: number; keyframe: boolean; config: boolean } | null {
  if (buf.length < 12 || (buf[0] === 0x46 && buf[1] === 0x4c && buf[2] === 0x56)) return null;
  const kind = buf[0]!;
  const ts = ((buf[7]! << 24) | (buf[4]! << 16) | (buf[5]! << 8) | buf[6]!) >>> 0;
  const b0 = buf[11]!;
  if (kind === 9) {
    const keyframe = ((b0 >> 4) & 0x07) === 1;
    if (b0 & 0x80) return { type: "video", ts, keyframe, config: (b0 & 0x0f) === 0 };
    return { type: "video", ts, keyframe, config: (b0 & 0x0f) === 7 && buf[12] === 0 };
  }
  if (kind === 8) return { type: "audio", ts, keyframe: false, config: b0 >> 4 === 10 && buf[12] === 0 };
  return { type: "script", ts, keyframe: false, config: false };
}

/** RFC 6381 codec string from an AVCDecoderConfigurationRecord, e.g. "avc1.64001f". */
export function avcCodecString(record: Uint8Array): string | null {
  if (record.length < 4 || record[0] !== 1) return null;
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return `avc1.${hex(record[1]!)}${hex(record[2]!)}${hex(record[3]!)}`;
}

const PROFILES: Record<number, string> = { 66: "Baseline", 77: "Main", 88: "Extended", 100: "High", 110: "High 10", 122: "High 4:2:2", 244: "High 4:4:4" };

/** "High 3.1" from an AVCDecoderConfigurationRecord. */
export function avcProfile(record: Uint8Array): string | null {
  if (record.length < 4 || record[0] !== 1) return null;
  return `${PROFILES[record[1]!] ?? `profile ${record[1]}`} ${(record[3]! / 10).toFixed(1)}`;
}

/** Width and height from the first SPS of an AVCDecoderConfigurationRecord (enough of H.264 7.3.2.1). */
export function avcDimensions(record: Uint8Array): { width: number; height: number } | null {
  if (record.length < 8 || (record[5]! & 0x1f) < 1) return null;
  const spsLen = (record[6]! << 8) | record[7]!;
  const nal = record.subarray(8, 8 + spsLen);
  // Strip emulation-prevention bytes.
  const rbsp: number[] = [];
  for (let i = 1; i < nal.length; i++) {
    if (i >= 3 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
    rbsp.push(nal[i]!);
  }
  let bit = 0;
  const u = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) v = (v << 1) | (((rbsp[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1);
    return v >>> 0;
  };
  const ue = () => {
    let zeros = 0;
    while (u(1) === 0 && zeros < 32) zeros++;
    return (1 << zeros) - 1 + u(zeros);
  };
  const se = () => {
    const k = ue();
    return k & 1 ? (k + 1) / 2 : -k / 2;
  };
  try {
    const profile = u(8);
    u(16);
    ue();
    let chroma = 1;
    if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
      chroma = ue();
      if (chroma === 3) u(1);
      ue();
      ue();
      u(1);
      if (u(1)) {
        for (let i = 0; i < (chroma !== 3 ? 8 : 12); i++) {
          if (!u(1)) continue;
          let last = 8, next = 8;
          for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
            if (next !== 0) next = (last + se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
    ue();
    const pocType = ue();
    if (pocType === 0) ue();
    else if (pocType === 1) {
      u(1);
      se();
      se();
      const n = ue();
      for (let i = 0; i < n; i++) se();
    }
    ue();
    u(1);
    const wMbs = ue() + 1;
    const hMapUnits = ue() + 1;
    const frameMbsOnly = u(1);
    if (!frameMbsOnly) u(1);
    u(1);
    let cl = 0, cr = 0, ct = 0, cb = 0;
    if (u(1)) {
      cl = ue();
      cr = ue();
      ct = ue();
      cb = ue();
    }
    const subW = chroma === 1 || chroma === 2 ? 2 : 1;
    const subH = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
    return { width: wMbs * 16 - (cl + cr) * subW, height: hMapUnits * 16 * (2 - frameMbsOnly) - (ct + cb) * subH };
  } catch {
    return null;
  }
}

/** "mp4a.40.N" from an AudioSpecificConfig (N = audio object type: 2 LC, 5 HE). */
export function aacCodecString(asc: Uint8Array): string {
  const aot = asc.length ? asc[0]! >> 3 : 2;
  return `mp4a.40.${aot || 2}`;
}
