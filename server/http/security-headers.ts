// Security headers on every response (pages, API, assets, HLS, errors). Pages may not be framed by other sites
// (a framed studio had a usable key-rotate button); only what streamers embed in OBS or another page — the
// overlays — may be. The Content-Security-Policy is one the pages already satisfy: every script is a file from
// public/js (no inline scripts or handlers), styles may be inline attributes, hls.js plays from blob: URLs.
import { Elysia } from "elysia";
import type { Config } from "../config";

/** Paths another site may frame: the OBS/browser-source overlays. */
const EMBEDDABLE = [/^\/overlay\//, /^\/shop\/rooms\/[^/]+\/overlay$/];

/** Replays in object storage (server/objects) play from the bucket: hls.js fetches there, Safari plays from there. */
function policy(config: Partial<Pick<Config, "s3Endpoint" | "s3PublicUrl">>): string[] {
  const bucket = [...new Set([config.s3Endpoint, config.s3PublicUrl].filter((u): u is string => !!u).map((u) => new URL(u).origin))].map((o) => ` ${o}`).join("");
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `media-src 'self' blob:${bucket}`,
    "worker-src 'self' blob:",
    `connect-src 'self'${bucket}`,
    "object-src 'none'",
    "base-uri 'self'",
  ];
}

const policies = new WeakMap<object, string[]>();
type PolicyConfig = Partial<Pick<Config, "s3Endpoint" | "s3PublicUrl">>;

/** The policy with the given frame-ancestors: /embed/<slug> sends its creator's allow-list (server/sharing). */
export function contentSecurityPolicy(config: PolicyConfig, frameAncestors: string): string {
  let base = policies.get(config);
  if (!base) policies.set(config, (base = policy(config)));
  return [...base, `frame-ancestors ${frameAncestors}`].join("; ");
}

export function securityHeaders(config: Pick<Config, "publicUrl"> & PolicyConfig, path: string): Record<string, string> {
  const embeddable = EMBEDDABLE.some((re) => re.test(path));
  const h: Record<string, string> = {
    "x-content-type-options": "nosniff",
    // Overlay URLs carry their secret in the path: never hand our URLs to another origin.
    "referrer-policy": "same-origin",
    "content-security-policy": contentSecurityPolicy(config, embeddable ? "*" : "'none'"),
  };
  if (!embeddable) h["x-frame-options"] = "DENY";
  if (config.publicUrl.startsWith("https:")) h["strict-transport-security"] = "max-age=31536000";
  return h;
}

/** Registered first on the app: onRequest runs before routing, so even 404s, parse errors and files get them. */
export function securityHeadersPlugin(config: Pick<Config, "publicUrl" | "s3Endpoint" | "s3PublicUrl">) {
  return new Elysia({ name: "livehouse.security-headers" }).onRequest(({ request, set }) => {
    Object.assign(set.headers, securityHeaders(config, new URL(request.url).pathname));
  });
}
