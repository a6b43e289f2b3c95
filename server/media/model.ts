// Media domain types: a broadcast (each becomes a replay), the "live" room event, and a live room's stream
// health (Studio).

export interface Broadcast {
  id: number;
  roomId: number;
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
  /** Rung names, e.g. ["720p", "480p"]. */
  ladder: string[];
}

declare module "../realtime/model" {
  interface RoomEvents {
    /** The room went live (hls: its master playlist) or offline (replay: the broadcast's playlist). */
    live:
      | { type: "live"; live: true; slug: string; hls: string; broadcastId: number; at: number }
      | { type: "live"; live: false; slug: string; broadcastId: number; replay: string; at: number };
  }
}

export type HealthAdvice =
  | { code: "keyframes"; seconds: number; measured: number | null }
  | { code: "bitrate"; maxKbps: number }
  | { code: "codec"; codec: string }
  | { code: "encoder-fps"; fps: number; expected: number }
  | { code: "overload"; paused: string[]; halfRate: boolean }
  | { code: "backlog" };

export interface RungHealth {
  name: string;
  copy: boolean;
  fps: number;
  /** Being produced and listed in the master playlist right now. */
  active: boolean;
  /** Media seconds per wall second over the last ~20 s (1 = keeping real time). */
  pace: number | null;
  /** Ingest → playlist of the newest segment (s). */
  lagSeconds: number | null;
}

/** Contract: GET /api/v1/rooms/<slug>/health (docs/live.md). */
export interface StreamHealth {
  slug: string;
  live: boolean;
  publishedAt: number | null;
  /** Publish → first playable master playlist (ms). */
  startMs: number | null;
  input: {
    videoKbps: number;
    audioKbps: number;
    fps: number;
    keyframeSeconds: number | null;
    codec: string;
    profile: string | null;
    width: number | null;
    height: number | null;
    audio: string | null;
  } | null;
  transcode: {
    /** 0 = full ladder; each step sheds a rung, the last halves the frame rate of the encoded rungs. */
    level: number;
    maxLevel: number;
    degraded: boolean;
    /** ffmpeg's own speed (1.0 = real time) and how far its output trails the media fed to it (s). */
    speed: number | null;
    behindSeconds: number;
    droppedFrames: number;
    restarts: number;
    rungs: RungHealth[];
  } | null;
  /** Ingest → playlist of the newest segment of the top rung being produced (s). */
  latencySeconds: number | null;
  advice: HealthAdvice[];
}
