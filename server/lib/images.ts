// Uploaded images: accepted by their bytes (never the client's claimed type) and size, stored under a
// content-hash name so they can be served with immutable caching. Covers, gift images, emotes and product
// images all go through here; each caller picks its formats, its size limit and its messages.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export type ImageExt = "jpg" | "png" | "webp" | "gif";

export function sniffImage(bytes: Uint8Array): ImageExt | null {
  const ascii = (a: number, b: number) => String.fromCharCode(...bytes.subarray(a, b));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpg";
  if (bytes[0] === 0x89 && ascii(1, 4) === "PNG") return "png";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(0, 4) === "GIF8") return "gif";
  return null;
}

export interface ImageRules<E extends ImageExt, M extends string> {
  maxBytes: number;
  formats: readonly E[];
  /** The catalogue keys to answer with. */
  messages: { type: M; size: M };
}

export type ImageUpload<E extends ImageExt, M extends string> = { ok: true; ext: E; bytes: Uint8Array } | { ok: false; message: M };

export async function checkImageUpload<E extends ImageExt, M extends string>(file: Blob, rules: ImageRules<E, M>): Promise<ImageUpload<E, M>> {
  if (file.size > rules.maxBytes) return { ok: false, message: rules.messages.size };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const ext = sniffImage(bytes);
  return ext && (rules.formats as readonly ImageExt[]).includes(ext) ? { ok: true, ext: ext as E, bytes } : { ok: false, message: rules.messages.type };
}

export function contentHash(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex").slice(0, 16);
}

/** Writes `${prefix}${hash}.${ext}` into dir and returns that file name. */
export async function storeImage(dir: string, prefix: string, img: { ext: string; bytes: Uint8Array }): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const name = `${prefix}${contentHash(img.bytes)}.${img.ext}`;
  await Bun.write(join(dir, name), img.bytes);
  return name;
}
