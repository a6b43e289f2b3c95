// Cover images: checked by their bytes (not the client's claimed type) and size, stored under DATA/media/covers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const MAX_COVER_BYTES = 2 * 1024 * 1024;

export function sniffImage(bytes: Uint8Array): "jpg" | "png" | "webp" | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  const ascii = (a: number, b: number) => String.fromCharCode(...bytes.subarray(a, b));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  return null;
}

export type CoverCheck = { ok: true; ext: "jpg" | "png" | "webp"; bytes: Uint8Array } | { ok: false; message: "error.coverType" | "error.coverSize" };

export async function checkCover(file: Blob): Promise<CoverCheck> {
  if (file.size > MAX_COVER_BYTES) return { ok: false, message: "error.coverSize" };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const ext = sniffImage(bytes);
  return ext ? { ok: true, ext, bytes } : { ok: false, message: "error.coverType" };
}

export function coversDir(dataDir: string): string {
  return join(dataDir, "media", "covers");
}

/** Writes the cover under a content-hash name (so it can be cached forever) and returns that name. */
export async function saveCover(dataDir: string, roomId: number, c: { ext: string; bytes: Uint8Array }): Promise<string> {
  const dir = coversDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const hash = new Bun.CryptoHasher("sha256").update(c.bytes).digest("hex").slice(0, 16);
  const name = `${roomId}-${hash}.${c.ext}`;
  await Bun.write(join(dir, name), c.bytes);
  return name;
}

export const COVER_NAME = /^\d+-[0-9a-f]{16}\.(jpg|png|webp)$/;
