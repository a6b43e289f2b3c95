// Gift images: checked by their bytes (not the claimed type) and size, stored under DATA/media/gifts with a
// content-hash name so they can be cached forever.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { sniffImage } from "../rooms/covers";

export const MAX_GIFT_IMAGE_BYTES = 512 * 1024;
export const GIFT_IMAGE_NAME = /^[0-9a-f]{16}\.(jpg|png|webp)$/;

export type ImageCheck = { ok: true; ext: "jpg" | "png" | "webp"; bytes: Uint8Array } | { ok: false; message: "gift.error.imageType" | "gift.error.imageSize" };

export async function checkGiftImage(file: Blob): Promise<ImageCheck> {
  if (file.size > MAX_GIFT_IMAGE_BYTES) return { ok: false, message: "gift.error.imageSize" };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const ext = sniffImage(bytes);
  return ext ? { ok: true, ext, bytes } : { ok: false, message: "gift.error.imageType" };
}

export function giftImagesDir(dataDir: string): string {
  return join(dataDir, "media", "gifts");
}

export async function saveGiftImage(dataDir: string, img: { ext: string; bytes: Uint8Array }): Promise<string> {
  const dir = giftImagesDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const name = `${new Bun.CryptoHasher("sha256").update(img.bytes).digest("hex").slice(0, 16)}.${img.ext}`;
  await Bun.write(join(dir, name), img.bytes);
  return name;
}
