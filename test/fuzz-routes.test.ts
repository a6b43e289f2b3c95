// Route-wide fuzz: every HTTP route of the app, enumerated from the router (app.routes, so a new route is covered
// the day it lands) × three roles (anonymous, a viewer, another creator) × seeded malformed params, query strings
// and JSON / form / multipart / garbage bodies, in-process through app.handle with the cookie roles' CSRF token.
// Two properties: never a 5xx, and never a 2xx where the role may not act (admin routes; studio routes for
// anonymous and viewers; the maker's studio objects, pins and moderation for anyone else; an order for anyone but
// its buyer and seller; anonymous API writes).
// Short by default (CI); FUZZ_ITERATIONS=200 (cases per route and role) and FUZZ_SEED=n for a long or other run.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAccessToken, createUser } from "../server/accounts/accounts";
import type { User } from "../server/accounts/model";
import { createGift } from "../server/gifts/gifts";
import { createRoom } from "../server/rooms/rooms";
import { placeOrder } from "../server/shop/orders";
import { createProduct } from "../server/shop/products";
import { testApp, type TestApp } from "./helpers/app";
import type { WebSession } from "./helpers/session";

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 6);
const SEED = Number(process.env.FUZZ_SEED ?? 1337);

/** mulberry32: small, seedable, good enough to pick cases reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let lh: TestApp;
const sessions: Record<"viewer" | "other", WebSession> = {} as never;
/** The maker's real objects: values that reach real rows, so ownership checks (not just 404s) are exercised. */
const real: Record<string, string[]> = {};
let orderId = "";

async function user(username: string, role: User["role"]): Promise<User> {
  const r = await createUser(lh.deps.db, { username, password: "password123", role });
  if (!r.ok) throw new Error(`fuzz setup: ${username}`);
  return r.value;
}

beforeAll(async () => {
  lh = await testApp();
  await user("root", "admin");
  const maker = await user("maker", "creator");
  const buyer = await user("buyer", "viewer");
  await user("viewer1", "viewer");
  await user("rival", "creator");
  const room = createRoom(lh.deps.db, maker, { title: "Maker live", description: "", category: "music", tags: "" });
  const product = createProduct(lh.deps.moneyDb, maker, { title: "Tee", description: "", priceMinor: 500, currency: "USD", stock: 50, kind: "digital", variants: [] }, Date.now());
  const gift = createGift(lh.deps.db, { name: "Rose", coins: 1 });
  if (!room.ok || !product.ok || !gift.ok) throw new Error("fuzz setup: objects");
  const env = { db: lh.deps.moneyDb, bus: lh.deps.bus, now: Date.now, reservationMs: 3600_000 };
  const order = placeOrder(env, {
    buyerId: buyer.id, productId: product.value.id, variantId: null, quantity: 1, provider: "manual", idempotencyKey: "fuzz-order-1",
    flashSaleId: null, expectedUnitPriceMinor: null, currency: null, shippingAddress: null, roomId: null,
  }, null);
  if (!order.ok) throw new Error("fuzz setup: order");
  orderId = String(order.order.id);
  createAccessToken(lh.deps.db, maker.id, "maker");
  Object.assign(real, {
    slug: [room.value.slug], id: [String(product.value.id), orderId, String(gift.value.id), String(room.value.id)],
    productId: [String(product.value.id)], username: ["maker"],
  });
  for (const [role, name] of [["viewer", "viewer1"], ["other", "rival"]] as const) {
    const s = lh.session();
    await s.login(name, "password123");
    sessions[role] = s;
  }
}, 60_000);
afterAll(() => lh.stop());

const MALFORMED = ["0", "-1", "1.5", "99999999999999999999", "abc", "%00", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%E2%80%AE", "%27%22%3Cx%3E", "null", "x".repeat(300), "1e309", "%F0%9F%92%A9"];
const QUERY_KEYS = ["from", "to", "status", "q", "product", "v", "token", "next", "page", "limit", "_HLS_msn", "_HLS_part", "paid", "lang", "room"];
const QUERY_VALUES = ["9999-99-99", "2026-02-31", "-1", "1e400", "", "%00", "%ZZ", "<script>", "a".repeat(500), "[]", "{}", "0x10", "paid", "1"];
const FIELDS = [
  "title", "description", "price", "currency", "stock", "kind", "variants", "quantity", "productId", "variantId", "provider", "idempotencyKey",
  "giftId", "count", "text", "username", "password", "role", "lang", "back", "name", "minutes", "action", "enabled", "seconds", "target",
  "coins", "pack", "room", "unitPrice", "tracking", "shippingAddress", "suspended", "code", "category", "tags", "label", "term", "reply",
  "followersOnly", "slowSeconds", "active", "salePrice", "saleQuantity", "perBuyerLimit", "startsAt", "endsAt", "on", "following", "messageId",
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function value(r: () => number, depth = 0): unknown {
  switch (Math.floor(r() * 12)) {
    case 0: return "";
    case 1: return "x".repeat(Math.floor(r() * 5000));
    case 2: return pick(r, [0, -1, 1, 2 ** 53 + 1, 1e308, -0, 0.5, 1_000_000_001]);
    case 3: return pick(r, [true, false, null]);
    case 4: return "\u0000\u202e\r\n<svg onload=alert(1)>'\"";
    case 5: return depth < 2 ? [value(r, depth + 1), value(r, depth + 1)] : [];
    case 6: return depth < 2 ? { [pick(r, FIELDS)]: value(r, depth + 1) } : {};
    case 7: return pick(r, ["USD", "COIN", "usd", "XXX", "wallet", "manual", "stripe", "admin", "creator", "zh", "en"]);
    case 8: return pick(r, real.id ?? ["1"]);
    case 9: return "2026-13-45T99:99";
    case 10: return "fuzz-key-" + Math.floor(r() * 1e6);
    default: return pick(r, MALFORMED);
  }
}

function fields(r: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) out[pick(r, FIELDS)] = value(r);
  return out;
}

function body(r: () => number): { init: RequestInit; kind: string } {
  const f = fields(r);
  switch (Math.floor(r() * 6)) {
    case 0: return { kind: "none", init: {} };
    case 1: return { kind: "json", init: { body: JSON.stringify(f), headers: { "content-type": "application/json" } } };
    case 2: return { kind: "form", init: { body: new URLSearchParams(Object.entries(f).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])) } };
    case 3: {
      const fd = new FormData();
      for (const [k, v] of Object.entries(f)) fd.set(k, typeof v === "string" ? v : JSON.stringify(v));
      const bytes = pick(r, [new Uint8Array(0), Uint8Array.from([0x89, 0x50, 0x4e, 0x47]), new TextEncoder().encode("<svg onload=alert(1)>")]);
      fd.set(pick(r, ["cover", "image", "images", "file"]), new Blob([bytes], { type: pick(r, ["image/png", "text/html", "application/octet-stream"]) }), pick(r, ["a.png", "../x.svg", "a\u0000.jpg"]));
      return { kind: "multipart", init: { body: fd } };
    }
    case 4: return { kind: "bad-json", init: { body: pick(r, ["{", "[1,", "\u0000\u00ff", "null", "\"x\"", "{\"__proto__\":{\"admin\":true}}"]), headers: { "content-type": "application/json" } } };
    default: return { kind: "odd-type", init: { body: "a=1&b", headers: { "content-type": pick(r, ["text/plain", "application/xml", "multipart/form-data", "application/x-www-form-urlencoded; charset=utf-16"]) } } };
  }
}

type Role = "anonymous" | "viewer" | "other";

/** Where the role may never get a 2xx. `realParams` names the params filled with the maker's real objects. */
function mayNotSucceed(role: Role, method: string, route: string, realParams: Set<string>): boolean {
  if (route.startsWith("/admin")) return true;
  if (route.startsWith("/studio") && role !== "other") return true;
  if (route.startsWith("/studio") && realParams.size > 0) return true;
  if (/orders\/:id/.test(route) && realParams.has("id:order")) return true;
  const ownerOnly = /\/pins|\/moderation|\/chat\/:id\/delete/.test(route);
  if (ownerOnly && method !== "GET" && realParams.has("slug")) return true;
  if (role === "anonymous" && method !== "GET" && route.startsWith("/api/")) return true;
  return false;
}

function fill(r: () => number, route: string): { path: string; realParams: Set<string> } {
  const realParams = new Set<string>();
  const path = route.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const candidates = real[name];
    if (candidates && r() < 0.5) {
      const v = pick(r, candidates);
      realParams.add(name === "id" && v === orderId ? "id:order" : name);
      return encodeURIComponent(v);
    }
    return pick(r, MALFORMED);
  });
  return { path, realParams };
}

function query(r: () => number): string {
  const n = Math.floor(r() * 4);
  if (n === 0) return "";
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`${pick(r, QUERY_KEYS)}=${pick(r, QUERY_VALUES)}`);
  if (r() < 0.1) parts.push("a[]=1&a[]=2&%=%");
  return "?" + parts.join("&");
}

test(`fuzz: every route × anonymous/viewer/other creator × ${ITERATIONS} seeded cases (seed ${SEED})`, async () => {
  const r = prng(SEED);
  const routes = lh.app.routes.filter((x) => x.method !== "WS");
  expect(routes.length).toBeGreaterThan(100);
  const failures: string[] = [];
  let requests = 0;
  const statuses = new Map<string, number>();
  const started = performance.now();
  for (const route of routes) {
    // Logging out would turn a cookie role into an anonymous one for the rest of the run.
    const roles: Role[] = route.path === "/logout" ? ["anonymous"] : ["anonymous", "viewer", "other"];
    for (const role of roles) {
      for (let i = 0; i < ITERATIONS; i++) {
        const { path, realParams } = fill(r, route.path);
        const url = path + query(r);
        const method = route.method === "ALL" ? "GET" : route.method;
        const b = method === "GET" || method === "HEAD" ? { kind: "none", init: {} } : body(r);
        const init: RequestInit = { method, ...b.init, headers: { ...(b.init.headers as Record<string, string> | undefined) } };
        const res = role === "anonymous" ? await lh.app.handle(new Request("http://localhost" + url, init)) : await sessions[role].fetch(url, init);
        requests++;
        const bucket = `${role} ${method === "GET" ? "GET" : "write"} ${Math.floor(res.status / 100)}xx`;
        statuses.set(bucket, (statuses.get(bucket) ?? 0) + 1);
        const problem = res.status >= 500 ? "5xx" : res.status >= 200 && res.status < 300 && mayNotSucceed(role, method, route.path, realParams) ? "2xx where the role may not act" : null;
        if (problem) failures.push(`${problem}: ${role} ${method} ${url.slice(0, 160)} [${b.kind}] → ${res.status} ${(await res.text()).slice(0, 120).replace(/\s+/g, " ")}`);
        else await res.arrayBuffer();
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz: ${routes.length} routes, ${requests} requests in ${seconds.toFixed(1)} s (seed ${SEED}, ${ITERATIONS} cases per route and role)`);
  console.log("fuzz statuses:", Object.fromEntries([...statuses].sort()));
  // The cookie roles really act (their writes pass CSRF and reach handlers), or the run proves little.
  expect(statuses.get("other write 2xx") ?? 0).toBeGreaterThan(0);
  expect(failures.slice(0, 25)).toEqual([]);
}, 600_000);
