// Playlists are sent gzipped to clients that accept it (hls.js through the browser, Safari, VLC and CDNs all do).
// A long replay list shrinks ~20×, and a signed one (the same signature on every URI) to about the size of the
// unsigned one, so a paid room's playlists cost what a public room's do. A body is compressed once, when it is
// served a second time: a body seen once (a signature nobody else holds) is cheaper sent as it is.
const MIN_BYTES = 4096;
const MAX_TEXTS = 1024;

export type PlaylistBody = string | Uint8Array<ArrayBuffer>;

export function acceptsGzip(request: Request): boolean {
  return /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
}

/** The body to send and whether it is gzipped. Signed bodies arrive as cached bytes; public ones as text. */
export function createPlaylistGzip(): (body: PlaylistBody, request: Request) => { body: PlaylistBody; gzip: boolean } {
  const encoder = new TextEncoder();
  const texts = new Map<string, Uint8Array<ArrayBuffer>>();
  /** Bytes → their gzip, or null after the first serve. */
  const zipped = new WeakMap<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer> | null>();
  return (body, request) => {
    if (body.length < MIN_BYTES || !acceptsGzip(request)) return { body, gzip: false };
    let raw = typeof body === "string" ? texts.get(body) : body;
    if (!raw) {
      if (texts.size >= MAX_TEXTS) texts.clear();
      texts.set(body as string, (raw = encoder.encode(body as string)));
    }
    const z = zipped.get(raw);
    if (z) return { body: z, gzip: true };
    if (z === undefined) {
      zipped.set(raw, null);
      return { body: raw, gzip: false };
    }
    const gz = Bun.gzipSync(raw, { level: 6 });
    zipped.set(raw, gz);
    return { body: gz, gzip: true };
  };
}
