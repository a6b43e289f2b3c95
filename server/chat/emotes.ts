// Creator emotes: images checked by their bytes, stored under DATA/media/emotes with content-hash names.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { sniffImage } from "../rooms/covers";

export const MAX_EMOTE_BYTES = 256 * 1024;
export const EMOTE_FILE = /^\d+-[0-9a-f]{16}\.(png|gif|webp)$/;

function sniffEmote(bytes: Uint8Array): "png" | "gif" | "webp" | null {
  if (String.fromCharCode(...bytes.subarray(0, 4)) === "GIF8") return "gif";
  const kind = sniffImage(bytes);
  return kind === "png" || kind === "webp" ? kind : null;
}

export function emotesDir(dataDir: string): string {
  return join(dataDir, "media", "emotes");
}

/** Stores the image and returns its file name, or null when it is not an acceptable image. */
export async function saveEmoteFile(dataDir: string, roomId: number, file: Blob): Promise<string | null> {
  if (file.size === 0 || file.size > MAX_EMOTE_BYTES) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const ext = sniffEmote(bytes);
  if (!ext) return null;
  mkdirSync(emotesDir(dataDir), { recursive: true });
  const name = `${roomId}-${new Bun.CryptoHasher("sha256").update(bytes).digest("hex").slice(0, 16)}.${ext}`;
  await Bun.write(join(emotesDir(dataDir), name), bytes);
  return name;
}
