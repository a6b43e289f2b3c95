// Request body limits, enforced before anything is buffered (an anonymous 100 MB multipart POST used to be read
// whole before its 403). Bun.serve's maxRequestBodySize is one global number, so it is set to the largest limit
// (TOP_BODY_LIMIT) and this plugin applies the per-route limit below it: a declared Content-Length over the limit
// is answered 413 before the body is read; a chunked body is read through a counting stream that fails with
// BodyTooLarge at the limit, which the error hook turns into 413.
import { Elysia } from "elysia";
import { jsonError } from "./respond";

const KB = 1024;
const MB = 1024 * KB;
/** The form fields around an uploaded file. */
const FORM_SLACK = 64 * KB;
export const FORM_LIMIT = 1 * MB;
/** One image per upload (room covers, gift images, emotes), each ≤ 2 MB. */
export const IMAGE_LIMIT = 2 * MB + FORM_SLACK;
/** Product forms carry up to 4 images of ≤ 2 MB. */
export const PRODUCT_IMAGES_LIMIT = 4 * 2 * MB + FORM_SLACK;
/** Reserved for class materials; also Bun.serve's global maxRequestBodySize. */
export const TOP_BODY_LIMIT = 50 * MB;

/** Every route that accepts more than an ordinary form, in one table. Everything else gets FORM_LIMIT. */
const LARGER: readonly { path: RegExp; limit: number }[] = [
  { path: /^\/studio\/rooms(\/[^/]+)?$/, limit: IMAGE_LIMIT },
  { path: /^\/studio\/rooms\/[^/]+\/chat\/emotes$/, limit: IMAGE_LIMIT },
  { path: /^\/admin\/gifts(\/[^/]+)?$/, limit: IMAGE_LIMIT },
  { path: /^\/studio\/shop\/products(\/[^/]+)?$/, limit: PRODUCT_IMAGES_LIMIT },
];

export function bodyLimitFor(path: string): number {
  return LARGER.find((r) => r.path.test(path))?.limit ?? FORM_LIMIT;
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body too large (limit ${limit} bytes)`);
  }
}

/** Passes the body through until more than `limit` bytes went by, then fails the stream (and the parse). */
export function limitStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const r = await reader.read();
      if (r.done) return ctrl.close();
      seen += r.value.byteLength;
      if (seen > limit) {
        void reader.cancel();
        return ctrl.error(new BodyTooLarge(limit));
      }
      ctrl.enqueue(r.value);
    },
    cancel: (why) => reader.cancel(why),
  });
}

function tooLarge(path: string, limit: number): Response {
  const message = `request body too large (limit ${limit} bytes)`;
  return path.startsWith("/api/") ? jsonError(413, message) : new Response(message, { status: 413, headers: { "content-type": "text/plain; charset=utf-8", connection: "close" } });
}

export function bodyLimitPlugin() {
  return new Elysia({ name: "livehouse.body-limit" })
    .onRequest((c) => {
      const req = c.request;
      if (!req.body) return;
      const path = new URL(req.url).pathname;
      const limit = bodyLimitFor(path);
      const declared = req.headers.get("content-length");
      if (declared !== null) {
        return Number(declared) > limit ? tooLarge(path, limit) : undefined;
      }
      // Chunked: the handler's body parser reads through the counting stream instead of the raw one.
      c.request = new Request(req, { body: limitStream(req.body, limit), duplex: "half" } as RequestInit);
    })
    .onError({ as: "global" }, ({ error, request }) => {
      const cause = error instanceof BodyTooLarge ? error : error instanceof Error && error.cause instanceof BodyTooLarge ? error.cause : null;
      if (cause) return tooLarge(new URL(request.url).pathname, cause.limit);
    });
}
