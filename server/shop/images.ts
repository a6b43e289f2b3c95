// Product images: checked by their bytes (not the claimed type) and size, then decoded by ffmpeg to make a
// 480-px-wide JPEG thumbnail — a file ffmpeg cannot decode is refused. Originals are kept as uploaded
// (size-limited), under content-hash names so both can be cached forever.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { checkImageUpload, contentHash, storeImage } from "../lib/images";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGES = 4;
export const IMAGE_NAME = /^\d+-[0-9a-f]{16}(-t\.jpg|\.(jpg|png|webp))$/;

const RULES = { maxBytes: MAX_IMAGE_BYTES, formats: ["jpg", "png", "webp"], messages: { type: "shop.error.imageType", size: "shop.error.imageSize" } } as const;

export function checkImage(file: Blob) {
  return checkImageUpload(file, RULES);
}

export function imagesDir(dataDir: string): string {
  return join(dataDir, "media", "shop");
}

/** Stores the original and its thumbnail; null when ffmpeg could not decode the picture. */
export async function saveImage(dataDir: string, productId: number, img: { ext: string; bytes: Uint8Array }): Promise<string | null> {
  const dir = imagesDir(dataDir);
  const name = await storeImage(dir, `${productId}-`, img);
  const original = join(dir, name);
  const thumb = join(dir, `${productId}-${contentHash(img.bytes)}-t.jpg`);
  const proc = Bun.spawn(
    ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", original, "-frames:v", "1", "-vf", "scale='min(480,iw)':-2", "-q:v", "4", thumb],
    { stdout: "ignore", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill(), 15_000);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) {
    rmSync(original, { force: true });
    rmSync(thumb, { force: true });
    return null;
  }
  return name;
}
