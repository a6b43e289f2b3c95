// Cover images of rooms: JPEG/PNG/WebP up to 2 MB, stored under DATA/media/covers.
import { join } from "node:path";
import { checkImageUpload, storeImage } from "../lib/images";

export const MAX_COVER_BYTES = 2 * 1024 * 1024;
export const COVER_NAME = /^\d+-[0-9a-f]{16}\.(jpg|png|webp)$/;
const RULES = { maxBytes: MAX_COVER_BYTES, formats: ["jpg", "png", "webp"], messages: { type: "error.coverType", size: "error.coverSize" } } as const;

export function checkCover(file: Blob) {
  return checkImageUpload(file, RULES);
}

export function coversDir(dataDir: string): string {
  return join(dataDir, "media", "covers");
}

export function saveCover(dataDir: string, roomId: number, c: { ext: string; bytes: Uint8Array }): Promise<string> {
  return storeImage(coversDir(dataDir), `${roomId}-`, c);
}
