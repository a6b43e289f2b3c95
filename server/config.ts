// One options table: every setting's flag, env var, default and validator live in one row.
// Precedence: CLI flag > LIVEHOUSE_* env > default. loadConfig is pure; the frozen result is passed down.
import { resolve } from "node:path";

/** Latency modes of a room (docs/live.md). standard: HLS with whole segments; low: Apple LL-HLS with parts (server/media/llhls.ts). */
export const LATENCY_MODES = ["standard", "low"] as const;
export type LatencyMode = (typeof LATENCY_MODES)[number];
export const isLatencyMode = (v: string): v is LatencyMode => (LATENCY_MODES as readonly string[]).includes(v);

export interface Config {
  readonly httpPort: number;
  readonly rtmpPort: number;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly host: string;
  /** Segment length of the live HLS ladder in seconds. */
  readonly segmentSeconds: number;
  /** How long a dropped publisher may take to reconnect into the same broadcast. */
  readonly publishGraceMs: number;
  /** Default HLS ladder: rung heights, e.g. "1080,720,480,360" (never above the source). */
  readonly ladder: string;
  /** Latency mode of rooms that have not chosen one: "standard" HLS or "low" (LL-HLS). */
  readonly latencyMode: LatencyMode;
  /** Creator share of a gift in percent; the platform keeps the rest. */
  readonly giftCreatorSharePercent: number;
  /** Gift sends one user may make per minute (a fast combo is many sends). */
  readonly giftRatePerMinute: number;
  /** Unpaid orders release their stock after this long. */
  readonly orderReservationMs: number;
  /** Units of one product a buyer may hold in unpaid (manual/Stripe) orders at once. */
  readonly maxUnpaidPerProduct: number;
  /** Sign-ups one address may make per hour (a classroom behind one NAT signs up together). */
  readonly signupsPerIpPerHour: number;
  /** Anonymous viewers counted per address in one room (logged-in viewers count once per account). */
  readonly anonViewersPerIp: number;
  /** Days replays are kept; 0 keeps them forever. */
  readonly replayRetentionDays: number;
  /** Days chat messages are kept; 0 keeps them forever. */
  readonly chatRetentionDays: number;
  /** Chat messages one user may send per 10 seconds. */
  readonly chatRateLimit: number;
  readonly stripeSecretKey: string;
  readonly stripeWebhookSecret: string;
  /** Bearer token for GET /metrics from anywhere but loopback; empty: loopback only. */
  readonly metricsToken: string;
  /** Online snapshot interval in ms (0: off); parsed from e.g. "6h", "30m", "1d". */
  readonly backupEveryMs: number;
  /** Scheduled snapshots kept; older ones are deleted. */
  readonly backupKeep: number;
  /** First webhook retry delay in ms; doubles per attempt, for 24 h. */
  readonly webhookRetryBaseMs: number;
  /** Creator share of class tickets, memberships and pay-per-view replays in percent. */
  readonly paidCreatorSharePercent: number;
  /** Minutes before a class starts that its reminder goes out. */
  readonly classReminderMinutes: number;
  /** smtp://[user:pass@]host[:port] or smtps://…; empty sends no e-mail. */
  readonly smtpUrl: string;
  readonly smtpFrom: string;
  /** At most one go-live e-mail per creator in this many minutes (server/notifications). */
  readonly goLiveMailMinutes: number;
  /** Secret for signed media URLs (nginx secure_link); empty = one generated and kept in the database. */
  readonly mediaTokenSecret: string;
  /** How long a signed media URL stays valid; the player refreshes it before then. */
  readonly mediaTokenTtlSeconds: number;
  /** "Frequently bought together": minimum support (fraction of baskets), baskets, and confidence of a rule. */
  readonly insightsMinSupport: number;
  readonly insightsMinCount: number;
  readonly insightsMinConfidence: number;
  /** Minutes between rebuilds of the derived insights tables (rules, similar rooms, models); 0 = only by CLI. */
  readonly insightsRebuildMinutes: number;
  /** "off": record no analytics events at all (stats stay empty). */
  readonly insightsCapture: string;
  /** S3-compatible object storage for replays (docs/operations.md); empty endpoint: replays stay on local disk. */
  readonly s3Endpoint: string;
  readonly s3Bucket: string;
  readonly s3AccessKey: string;
  readonly s3SecretKey: string;
  readonly s3Region: string;
  /** Public base URL of the bucket (a CDN or a public-read bucket); empty: replays play through presigned URLs. */
  readonly s3PublicUrl: string;
  /** redis://host:port shared by several processes on one host (room events, presence, rate limits); empty: one process. */
  readonly redisUrl: string;
  /**
   * "all": this process owns RTMP ingest, transcoding and the schedulers; "web": HTTP, HLS and sockets only.
   * Set by `serve --role` (parseServeRole), not an options row: `user create --role` means something else.
   */
  readonly role: ServeRole;
}

/** Process roles of `serve --role` (docs/operations.md, "Running several processes"). */
export const SERVE_ROLES = ["all", "web"] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];
const isServeRole = (v: string): v is ServeRole => (SERVE_ROLES as readonly string[]).includes(v);

/** `serve --role all|web` (or LIVEHOUSE_ROLE); "all" when neither is given. */
export function parseServeRole(argv: readonly string[], env: Record<string, string | undefined>): ServeRole {
  const i = argv.findIndex((a) => a === "--role" || a.startsWith("--role="));
  const raw = i >= 0 ? (argv[i]!.includes("=") ? argv[i]!.slice(7) : argv[i + 1]) : env.LIVEHOUSE_ROLE || "all";
  const source = i >= 0 ? "--role" : "LIVEHOUSE_ROLE";
  if (raw === undefined) throw new ConfigError("--role: missing value");
  if (!isServeRole(raw.trim())) throw new ConfigError(`${source}: "${raw}" is not a valid value (all: owns RTMP ingest, transcoding and schedulers, exactly one process; web: HTTP, HLS and sockets only, needs --redis-url)`);
  return raw.trim() as ServeRole;
}

type Key = keyof Config;

interface Option<K extends Key> {
  key: K;
  flag: string;
  env: string;
  default: Config[K];
  parse: (raw: string) => Config[K] | undefined;
  /** Returns a problem description, or null when the value is fine. */
  validate?: (value: Config[K]) => string | null;
  secret?: boolean;
  help: string;
}

const int = (raw: string): number | undefined => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined);
const str = (raw: string): string => raw;
const port = (v: number): string | null => (v >= 1 && v <= 65535 ? null : "must be a port between 1 and 65535");
/** "90s", "30m", "6h", "1d" or "0" (off) → ms. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "s") as "s" | "m" | "h" | "d"];
}
const nonNegative = (v: number): string | null => (v >= 0 ? null : "must be 0 or more");

function opt<K extends Key>(o: Option<K>): Option<K> {
  return o;
}

export const OPTIONS = [
  opt({ key: "httpPort", flag: "--http-port", env: "LIVEHOUSE_HTTP_PORT", default: 8080, parse: int, validate: port, help: "HTTP port" }),
  opt({ key: "rtmpPort", flag: "--rtmp-port", env: "LIVEHOUSE_RTMP_PORT", default: 1935, parse: int, validate: port, help: "RTMP ingest port" }),
  opt({ key: "dataDir", flag: "--data-dir", env: "LIVEHOUSE_DATA_DIR", default: "./data", parse: str, validate: (v) => (v.trim() ? null : "must not be empty"), help: "directory for the database and media" }),
  opt({ key: "publicUrl", flag: "--public-url", env: "LIVEHOUSE_PUBLIC_URL", default: "", parse: str, validate: (v) => (v === "" || /^https?:\/\/[^\s]+$/.test(v) ? null : "must be an http(s) URL"), help: "public base URL, e.g. https://live.example.com" }),
  opt({ key: "host", flag: "--host", env: "LIVEHOUSE_HOST", default: "0.0.0.0", parse: str, help: "address to listen on" }),
  opt({ key: "segmentSeconds", flag: "--segment-seconds", env: "LIVEHOUSE_SEGMENT_SECONDS", default: 2, parse: int, validate: (v) => (v >= 1 && v <= 10 ? null : "must be between 1 and 10"), help: "HLS segment length in seconds" }),
  opt({ key: "publishGraceMs", flag: "--publish-grace-ms", env: "LIVEHOUSE_PUBLISH_GRACE_MS", default: 3000, parse: int, validate: nonNegative, help: "reconnect grace for a dropped publisher" }),
  opt({ key: "ladder", flag: "--ladder", env: "LIVEHOUSE_LADDER", default: "1080,720,480,360", parse: str, validate: (v) => (parseLadder(v) ? null : "must list rung heights like 1080,720,480,360 (144-2160, even)"), help: "HLS ladder rung heights" }),
  opt({ key: "latencyMode", flag: "--latency-mode", env: "LIVEHOUSE_LATENCY_MODE", default: "standard", parse: (raw) => (isLatencyMode(raw.trim()) ? raw.trim() as LatencyMode : undefined), help: "default latency mode of rooms: standard or low (LL-HLS)" }),
  opt({ key: "giftCreatorSharePercent", flag: "--gift-creator-share", env: "LIVEHOUSE_GIFT_CREATOR_SHARE", default: 70, parse: int, validate: (v) => (v >= 0 && v <= 100 ? null : "must be between 0 and 100"), help: "creator's share of gifts in percent" }),
  opt({ key: "giftRatePerMinute", flag: "--gift-rate-per-minute", env: "LIVEHOUSE_GIFT_RATE_PER_MINUTE", default: 300, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "gift sends per user per minute" }),
  opt({ key: "orderReservationMs", flag: "--order-reservation-ms", env: "LIVEHOUSE_ORDER_RESERVATION_MS", default: 15 * 60_000, parse: int, validate: nonNegative, help: "how long an unpaid order holds stock" }),
  opt({ key: "maxUnpaidPerProduct", flag: "--max-unpaid-per-product", env: "LIVEHOUSE_MAX_UNPAID_PER_PRODUCT", default: 10, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "units of one product a buyer may hold in unpaid orders" }),
  opt({ key: "signupsPerIpPerHour", flag: "--signups-per-ip-per-hour", env: "LIVEHOUSE_SIGNUPS_PER_IP_PER_HOUR", default: 60, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "sign-ups per address per hour" }),
  opt({ key: "anonViewersPerIp", flag: "--anon-viewers-per-ip", env: "LIVEHOUSE_ANON_VIEWERS_PER_IP", default: 50, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "anonymous viewers counted per address and room" }),
  opt({ key: "replayRetentionDays", flag: "--replay-retention-days", env: "LIVEHOUSE_REPLAY_RETENTION_DAYS", default: 30, parse: int, validate: nonNegative, help: "days to keep replays (0 = forever)" }),
  opt({ key: "chatRetentionDays", flag: "--chat-retention-days", env: "LIVEHOUSE_CHAT_RETENTION_DAYS", default: 90, parse: int, validate: nonNegative, help: "days to keep chat (0 = forever)" }),
  opt({ key: "chatRateLimit", flag: "--chat-rate-limit", env: "LIVEHOUSE_CHAT_RATE_LIMIT", default: 10, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "chat messages per user per 10 seconds" }),
  opt({ key: "stripeSecretKey", flag: "--stripe-secret-key", env: "LIVEHOUSE_STRIPE_SECRET_KEY", default: "", parse: str, secret: true, help: "Stripe secret key (enables Stripe)" }),
  opt({ key: "metricsToken", flag: "--metrics-token", env: "LIVEHOUSE_METRICS_TOKEN", default: "", parse: str, secret: true, help: "bearer token for /metrics from other hosts (loopback needs none)" }),
  opt({ key: "backupEveryMs", flag: "--backup-every", env: "LIVEHOUSE_BACKUP_EVERY", default: 0, parse: parseDuration, validate: (v) => (v === 0 || v >= 1_000 ? null : "must be 0 (off) or at least 1s"), help: "online database snapshot interval, e.g. 6h (0 = off)" }),
  opt({ key: "backupKeep", flag: "--backup-keep", env: "LIVEHOUSE_BACKUP_KEEP", default: 7, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "scheduled snapshots to keep" }),
  opt({ key: "webhookRetryBaseMs", flag: "--webhook-retry-base-ms", env: "LIVEHOUSE_WEBHOOK_RETRY_BASE_MS", default: 10_000, parse: int, validate: (v) => (v >= 50 ? null : "must be 50 or more"), help: "first webhook retry delay in ms (doubles per attempt)" }),
  opt({ key: "stripeWebhookSecret", flag: "--stripe-webhook-secret", env: "LIVEHOUSE_STRIPE_WEBHOOK_SECRET", default: "", parse: str, secret: true, help: "Stripe webhook signing secret" }),
  opt({ key: "paidCreatorSharePercent", flag: "--paid-creator-share", env: "LIVEHOUSE_PAID_CREATOR_SHARE", default: 80, parse: int, validate: (v) => (v >= 0 && v <= 100 ? null : "must be between 0 and 100"), help: "creator's share of tickets, memberships and paid replays in percent" }),
  opt({ key: "classReminderMinutes", flag: "--class-reminder-minutes", env: "LIVEHOUSE_CLASS_REMINDER_MINUTES", default: 15, parse: int, validate: (v) => (v >= 1 && v <= 10_080 ? null : "must be between 1 and 10080"), help: "minutes before a class that reminders go out" }),
  opt({ key: "smtpUrl", flag: "--smtp-url", env: "LIVEHOUSE_SMTP_URL", default: "", parse: str, secret: true, validate: (v) => (v === "" || /^smtps?:\/\/[^\s]+$/.test(v) ? null : "must be smtp://[user:pass@]host[:port] or smtps://…"), help: "SMTP server for class reminders and go-live e-mail (empty: no e-mail)" }),
  opt({ key: "smtpFrom", flag: "--smtp-from", env: "LIVEHOUSE_SMTP_FROM", default: "livehouse@localhost", parse: str, validate: (v) => (/^[^\s<>@]+@[^\s<>@]+$/.test(v) ? null : "must be an e-mail address"), help: "sender address of e-mails" }),
  opt({ key: "goLiveMailMinutes", flag: "--golive-mail-minutes", env: "LIVEHOUSE_GOLIVE_MAIL_MINUTES", default: 60, parse: int, validate: (v) => (v >= 0 && v <= 10_080 ? null : "must be between 0 and 10080"), help: "at most one go-live e-mail per creator in this many minutes (0: every time)" }),
  opt({ key: "mediaTokenSecret", flag: "--media-token-secret", env: "LIVEHOUSE_MEDIA_TOKEN_SECRET", default: "", parse: str, secret: true, validate: (v) => (v === "" || v.length >= 16 ? null : "must be at least 16 characters"), help: "secret for signed media URLs (shared with an nginx edge)" }),
  opt({ key: "mediaTokenTtlSeconds", flag: "--media-token-ttl", env: "LIVEHOUSE_MEDIA_TOKEN_TTL", default: 300, parse: int, validate: (v) => (v >= 2 && v <= 86_400 ? null : "must be between 2 and 86400 seconds"), help: "lifetime of signed media URLs in seconds" }),
  opt({ key: "insightsMinSupport", flag: "--insights-min-support", env: "LIVEHOUSE_INSIGHTS_MIN_SUPPORT", default: 0.01, parse: Number, validate: (v) => (v > 0 && v <= 1 ? null : "must be above 0 and at most 1"), help: "bought-together: minimum support (fraction of baskets)" }),
  opt({ key: "insightsMinCount", flag: "--insights-min-count", env: "LIVEHOUSE_INSIGHTS_MIN_COUNT", default: 2, parse: int, validate: (v) => (v >= 1 ? null : "must be 1 or more"), help: "bought-together: minimum baskets behind a rule" }),
  opt({ key: "insightsMinConfidence", flag: "--insights-min-confidence", env: "LIVEHOUSE_INSIGHTS_MIN_CONFIDENCE", default: 0.1, parse: Number, validate: (v) => (v >= 0 && v <= 1 ? null : "must be from 0 to 1"), help: "bought-together: minimum confidence" }),
  opt({ key: "insightsRebuildMinutes", flag: "--insights-rebuild-minutes", env: "LIVEHOUSE_INSIGHTS_REBUILD_MINUTES", default: 60, parse: int, validate: nonNegative, help: "minutes between insights rebuilds (0 = CLI only)" }),
  opt({ key: "s3Endpoint", flag: "--s3-endpoint", env: "LIVEHOUSE_S3_ENDPOINT", default: "", parse: str, validate: (v) => (v === "" || /^https?:\/\/[^\s]+$/.test(v) ? null : "must be an http(s) URL"), help: "S3-compatible endpoint for replays, e.g. https://s3.eu-central-1.amazonaws.com (empty: replays stay local)" }),
  opt({ key: "s3Bucket", flag: "--s3-bucket", env: "LIVEHOUSE_S3_BUCKET", default: "", parse: str, validate: (v) => (v === "" || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? null : "must be a bucket name (3-63 lowercase letters, digits, dots, hyphens)"), help: "bucket for replays" }),
  opt({ key: "s3AccessKey", flag: "--s3-access-key", env: "LIVEHOUSE_S3_ACCESS_KEY", default: "", parse: str, secret: true, help: "S3 access key id" }),
  opt({ key: "s3SecretKey", flag: "--s3-secret-key", env: "LIVEHOUSE_S3_SECRET_KEY", default: "", parse: str, secret: true, help: "S3 secret access key" }),
  opt({ key: "s3Region", flag: "--s3-region", env: "LIVEHOUSE_S3_REGION", default: "us-east-1", parse: str, validate: (v) => (/^[a-z0-9-]{1,40}$/.test(v) ? null : "must be a region name like us-east-1"), help: "S3 region (signing)" }),
  opt({ key: "s3PublicUrl", flag: "--s3-public-url", env: "LIVEHOUSE_S3_PUBLIC_URL", default: "", parse: str, validate: (v) => (v === "" || /^https?:\/\/[^\s]+$/.test(v) ? null : "must be an http(s) URL"), help: "public URL of the bucket for public replays (empty: presigned URLs)" }),
  opt({ key: "insightsCapture", flag: "--insights-capture", env: "LIVEHOUSE_INSIGHTS_CAPTURE", default: "on", parse: str, validate: (v) => (v === "on" || v === "off" ? null : "must be on or off"), help: "record analytics events (on/off)" }),
  opt({ key: "redisUrl", flag: "--redis-url", env: "LIVEHOUSE_REDIS_URL", default: "", parse: str, secret: true, validate: (v) => (v === "" || /^rediss?:\/\/[^\s]+$/.test(v) ? null : "must be a redis:// or rediss:// URL"), help: "Redis shared by several processes on one host (room events, viewers, rate limits); empty: one process" }),
] as const;

export class ConfigError extends Error {}

/** Reads only the flags named in OPTIONS; other argv entries are left to the caller. */
export function loadConfig(argv: readonly string[], env: Record<string, string | undefined>): Config {
  const out: Record<string, unknown> = {};
  for (const o of OPTIONS as readonly Option<Key>[]) {
    let raw: string | undefined;
    let source = "";
    const i = argv.findIndex((a) => a === o.flag || a.startsWith(o.flag + "="));
    if (i >= 0) {
      const a = argv[i]!;
      raw = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1];
      source = o.flag;
      if (raw === undefined) throw new ConfigError(`${o.flag}: missing value`);
    } else if (env[o.env] !== undefined && env[o.env] !== "") {
      raw = env[o.env];
      source = o.env;
    }
    let value: unknown = o.default;
    if (raw !== undefined) {
      value = o.parse(raw);
      if (value === undefined) throw new ConfigError(`${source}: "${o.secret ? "***" : raw}" is not a valid value (${o.help})`);
    }
    const problem = o.validate?.(value as never);
    if (problem) throw new ConfigError(`${source || o.flag}: ${o.secret ? "value" : String(value)} ${problem}`);
    out[o.key] = value;
  }
  out.dataDir = resolve(String(out.dataDir));
  out.role = "all";
  return Object.freeze(out as unknown as Config);
}

/** The base URL links and OBS settings should use when none is configured. */
export function baseUrl(config: Config): string {
  return config.publicUrl.replace(/\/$/, "") || `http://localhost:${config.httpPort}`;
}

export function rtmpServerUrl(config: Config): string {
  const host = config.publicUrl ? new URL(config.publicUrl).hostname : "localhost";
  return `rtmp://${host}${config.rtmpPort === 1935 ? "" : ":" + config.rtmpPort}/live`;
}

/** Rung heights from "1080,720,480" (a trailing p allowed), highest first; null when any is not an even 144–2160. */
export function parseLadder(raw: string): number[] | null {
  const parts = raw.split(",").map((s) => s.trim().replace(/p$/i, "")).filter(Boolean);
  if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) return null;
  const heights = [...new Set(parts.map(Number))].sort((a, b) => b - a);
  return heights.every((h) => h >= 144 && h <= 2160 && h % 2 === 0) ? heights : null;
}
