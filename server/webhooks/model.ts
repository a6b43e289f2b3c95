// Outgoing webhooks (contract, docs/webhooks.md): event names, the signed envelope, and the retry schedule.
import { createHmac, timingSafeEqual } from "node:crypto";

export const WEBHOOK_EVENTS = ["room.live", "room.offline", "order.paid", "gift.sent", "ticket.sold", "member.joined"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by the admin's "send test" button, to one webhook. */
export const TEST_EVENT = "webhook.test";

export interface Webhook {
  id: number;
  url: string;
  events: WebhookEvent[];
  secret: string;
  createdAt: number;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
  id: number;
  webhookId: number;
  url: string;
  eventId: string;
  eventType: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  createdAt: number;
  lastStatus: number | null;
  lastError: string | null;
}

/** The JSON body every receiver gets; `id` is the same on every retry and across webhooks (dedupe on it). */
export interface Envelope {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Retries stop this long after the event. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
const MAX_DELAY_MS = 3_600_000;

/** When attempt number `attempts + 1` is due after `attempts` failures, or null once the window is over. */
export function nextAttemptAt(createdAt: number, attempts: number, now: number, baseMs: number): number | null {
  const at = now + Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  return at > createdAt + RETRY_WINDOW_MS ? null : at;
}

/** `Livehouse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

/** The receiver's side (also the documented snippet): true when the header signs this body within `toleranceS`. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceS) return false;
  const want = Buffer.from(signatureHeader(secret, body, t).split("v1=")[1]!, "hex");
  const got = Buffer.from(parts.v1, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

export function parseEvents(raw: string): { events: WebhookEvent[] } | { error: string } {
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (!names.length) return { error: `choose at least one event: ${WEBHOOK_EVENTS.join(", ")}` };
  const unknown = names.filter((n) => !(WEBHOOK_EVENTS as readonly string[]).includes(n));
  if (unknown.length) return { error: `unknown event ${unknown.join(", ")}; known: ${WEBHOOK_EVENTS.join(", ")}` };
  return { events: [...new Set(names)] as WebhookEvent[] };
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0|\[::\])$/i;

/**
 * A receiver URL: http(s) only. Loopback receivers are allowed (n8n or a script beside the server); only this
 * instance's own HTTP port (on loopback, or its public URL) is refused, so a webhook cannot call us in a loop.
 */
export function checkTargetUrl(raw: string, own: { httpPort: number; publicUrl: string }): { url: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { error: "the URL is not valid" };
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return { error: "the URL must start with http:// or https://" };
  if (u.username || u.password) return { error: "put credentials in the receiver, not in the URL" };
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  if (LOOPBACK.test(u.hostname) && port === own.httpPort) return { error: `that is this server's own HTTP port (${own.httpPort}); webhooks to itself would loop` };
  if (own.publicUrl) {
    const p = new URL(own.publicUrl);
    if (p.host === u.host && p.protocol === u.protocol) return { error: "that is this server's own public URL; webhooks to itself would loop" };
  }
  return { url: u.toString() };
}
