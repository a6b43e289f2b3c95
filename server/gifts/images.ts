// Gift images: JPEG/PNG/WebP up to 512 KB, stored under DATA/media/gifts.
import { join } from "node:path";
import { checkImageUpload, storeImage } from "../lib/images";

export const MAX_GIFT_IMAGE_BYTES = 512 * 1024;
export const GIFT_IMAGE_NAME = /^[0-9a-f]{16}\.(jpg|png|webp)$/;
const RULES = { maxBytes: MAX_GIFT_IMAGE_BYTES, formats: ["jpg", "png", "webp"], messages: { type: "gift.error.imageType", size: "gift.error.imageSize" } } as const;

export function checkGiftImage(file: Blob) {
  return checkImageUpload(file, RULES);
}

export function giftImagesDir(dataDir: string): string {
  return join(dataDir, "media", "gifts");
}

export function saveGiftImage(dataDir: string, img: { ext: string; bytes: Uint8Array }): Promise<string> {
  return storeImage(giftImagesDir(dataDir), "", img);
}
