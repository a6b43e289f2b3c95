// Media domain types: a broadcast (each becomes a replay) and the "live" room event.

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
