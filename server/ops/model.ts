// Operations types that views show: Admin → System.

export interface Snapshot {
  file: string;
  bytes: number;
  at: number;
}

export interface SystemInfo {
  version: string;
  commit: string;
  bun: string;
  sqlite: string;
  ffmpeg: string;
  startedAt: number;
  uptimeMs: number;
  dataDir: string;
  disk: { liveBytes: number; replayBytes: number; otherMediaBytes: number };
  databaseBytes: number;
  walBytes: number;
  snapshots: Snapshot[];
}
