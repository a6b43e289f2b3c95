// Serving stored uploads (the storing and checking is server/lib/images.ts).
import { join } from "node:path";

/**
 * Serves a stored upload by its content-hash name: the name must match the store's pattern (no traversal),
 * and the bytes never change under a name, so they are cached forever.
 */
export function serveStored(dir: string, name: string, pattern: RegExp): Response {
  const f = pattern.test(name) ? Bun.file(join(dir, name)) : null;
  if (!f || f.size === 0) return new Response("not found", { status: 404 });
  return new Response(f, { headers: { "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff" } });
}
