// Access modes for rooms and replays, and the signed media token's shape (docs/access.md).

export const ACCESS_MODES = ["public", "password", "members", "ticket"] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** A replay follows its room unless the creator makes it public or sells it (pay-per-view). */
export const REPLAY_MODES = ["inherit", "public", "ppv"] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

export interface RoomAccess {
  roomId: number;
  mode: AccessMode;
  /** Bumped on every password change: passes entered for an older version stop opening the room. */
  passwordVersion: number;
  hasPassword: boolean;
  /** members mode: the lowest tier that opens the room; null = any active membership of the creator. */
  minTierId: number | null;
  /** Free preview: the first N minutes of a replay play without access (0 = none). */
  previewMinutes: number;
}

export interface AccessInput {
  mode: string;
  password?: string;
  minTierId?: number | null;
  previewMinutes?: number;
}

export const PUBLIC_ACCESS: Omit<RoomAccess, "roomId"> = { mode: "public", passwordVersion: 0, hasPassword: false, minTierId: null, previewMinutes: 0 };

export const MAX_PREVIEW_MINUTES = 60;
export const PASSWORD_MIN = 4;
export const PASSWORD_MAX = 200;

/** What a media path belongs to: the path prefix a token is bound to. */
export type MediaScope = { kind: "live"; slug: string } | { kind: "replay"; id: number };

export function mediaPrefix(scope: MediaScope): string {
  return scope.kind === "live" ? `/live/${scope.slug}/` : `/replays/${scope.id}/`;
}

/** The query parameters of a signed media URL, named as nginx's secure_link module reads them. */
export interface MediaToken {
  md5: string;
  /** Unix seconds. */
  expires: number;
}

export function isAccessMode(s: string): s is AccessMode {
  return (ACCESS_MODES as readonly string[]).includes(s);
}

export function isReplayMode(s: string): s is ReplayMode {
  return (REPLAY_MODES as readonly string[]).includes(s);
}

/** A replay as the Studio prices it: its mode and, when sold, its price. */
export interface ReplayOffer {
  id: number;
  startedAt: number;
  durationMs: number;
  mode: ReplayMode;
  price: { priceMinor: number; currency: string } | null;
}
