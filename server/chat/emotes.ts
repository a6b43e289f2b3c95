// Creator emotes: images checked by their bytes, stored under DATA/media/emotes with content-hash names.
import { join } from "node:path";
import { checkImageUpload, storeImage } from "../lib/images";

export const MAX_EMOTE_BYTES = 256 * 1024;
export const EMOTE_FILE = /^\d+-[0-9a-f]{16}\.(png|gif|webp)$/;

export function emotesDir(dataDir: string): string {
  return join(dataDir, "media", "emotes");
}

/** Stores the image and returns its file name, or null when it is not an acceptable image. */
export async function saveEmoteFile(dataDir: string, roomId: number, file: Blob): Promise<string | null> {
  const img = await checkImageUpload(file, { maxBytes: MAX_EMOTE_BYTES, formats: ["png", "gif", "webp"], messages: { type: "type", size: "size" } });
  return img.ok ? storeImage(emotesDir(dataDir), `${roomId}-`, img) : null;
}
