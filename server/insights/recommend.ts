// Derived tables and what reads them: "frequently bought together" (Apriori), "rooms you may like" (co-viewing
// weighted by behaviour, cold start by popularity), the per-product purchase propensity that orders the shop bag,
// and the sales forecast. Rebuilds run on a schedule or by CLI (`insights rebuild`), never on a request; reads
// are single indexed lookups.
import type { Database } from "bun:sqlite";
import { getRoomById, listRooms } from "../rooms/rooms";
import type { Room } from "../rooms/model";
import { getProduct } from "../shop/products";
import type { Product } from "../shop/model";
import { associationRules, SMALL_SHOP, type AprioriOptions } from "./apriori";
import { affinityWeight, DAY, MIN_FORECAST_POINTS, MINUTE, rollup, type BoughtTogether, type Forecast, type PropensityReport, type SimilarRoom } from "./model";
import { auc, logistic, ols, predict, probability } from "./regression";
import * as store from "./storage";

// ---- frequently bought together

export function rebuildRules(db: Database, opts: AprioriOptions = SMALL_SHOP): number {
  const byShop = new Map<number, Map<string, number[]>>();
  for (const it of store.basketItems(db)) {
    let shop = byShop.get(it.ownerId);
    if (!shop) byShop.set(it.ownerId, (shop = new Map()));
    const k = `${it.userId}:${it.day}`;
    let basket = shop.get(k);
    if (!basket) shop.set(k, (basket = []));
    basket.push(it.productId);
  }
  const rows: { ownerId: number; productId: number; otherId: number; support: number; confidence: number; lift: number }[] = [];
  for (const [ownerId, baskets] of byShop) {
    for (const r of associationRules([...baskets.values()], { ...opts, maxSize: 2 })) {
      rows.push({ ownerId, productId: r.antecedent[0]!, otherId: r.consequent, support: r.support, confidence: r.confidence, lift: r.lift });
    }
  }
  store.replaceRules(db, rows);
  return rows.length;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Products often bought with this one (active ones only), best first. */
export function boughtTogether(db: Database, productId: number, limit = 5): BoughtTogether[] {
  const out: BoughtTogether[] = [];
  for (const r of store.rulesFor(db, productId, limit * 2)) {
    const p = getProduct(db, r.otherId);
    if (p?.active) out.push({ productId: p.id, title: p.title, support: round4(r.support), confidence: round4(r.confidence), lift: round4(r.lift) });
    if (out.length >= limit) break;
  }
  return out;
}

// ---- rooms you may like

const AFFINITY_WINDOW = 90 * DAY;
const MAX_ROOMS_PER_VIEWER = 20;

export function rebuildSimilar(db: Database, now: number): number {
  const rows = store.affinityRows(db, now - AFFINITY_WINDOW);
  const scores = new Map<string, { roomId: number; otherId: number; score: number; shared: number }>();
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j]!.viewer === rows[i]!.viewer) j++;
    const rooms = rows.slice(i, j).map((r) => ({ roomId: r.roomId, w: affinityWeight(r) })).sort((a, b) => b.w - a.w).slice(0, MAX_ROOMS_PER_VIEWER);
    for (const a of rooms) {
      for (const b of rooms) {
        if (a.roomId === b.roomId) continue;
        const k = `${a.roomId}:${b.roomId}`;
        let s = scores.get(k);
        if (!s) scores.set(k, (s = { roomId: a.roomId, otherId: b.roomId, score: 0, shared: 0 }));
        // How strongly people who watched A engaged with B (log-damped so one superfan does not decide).
        s.score += Math.log1p(b.w);
        s.shared += 1;
      }
    }
    i = j;
  }
  store.replaceSimilar(db, [...scores.values()]);
  return scores.size;
}

function popularLive(db: Database, now: number, category: string | null, exclude: Set<number>, limit: number): SimilarRoom[] {
  const pop = store.roomPopularity(db, now - 7 * DAY);
  return listRooms(db, 200)
    .filter((r) => r.liveSince !== null && !exclude.has(r.id) && (category === null || r.category === category))
    .sort((a, b) => (pop.get(b.id) ?? 0) - (pop.get(a.id) ?? 0) || a.id - b.id)
    .slice(0, limit)
    .map((r) => ({ slug: r.slug, title: r.title, live: true, score: round4((pop.get(r.id) ?? 0) / MINUTE), reason: { kind: "popular", category: r.category } }));
}

/** Rooms people who watched this one also watched; topped up with popular live rooms of the same category. */
export function similarRooms(db: Database, room: Room, now: number, limit = 6): SimilarRoom[] {
  const out: SimilarRoom[] = [];
  const exclude = new Set([room.id]);
  for (const s of store.similarTo(db, room.id, limit * 2)) {
    const r = getRoomById(db, s.otherId);
    if (!r || exclude.has(r.id)) continue;
    exclude.add(r.id);
    out.push({ slug: r.slug, title: r.title, live: r.liveSince !== null, score: round4(s.score), reason: { kind: "coviewing", shared: s.shared, room: room.title } });
    if (out.length >= limit) return out;
  }
  return [...out, ...popularLive(db, now, room.category, exclude, limit - out.length)];
}

/** The home page's picks for one viewer key: "because you watched X", else popular live rooms. */
export function roomsForViewer(db: Database, viewer: string, now: number, limit = 6): SimilarRoom[] {
  const out: SimilarRoom[] = [];
  const top = viewer ? store.topRoomsOf(db, viewer, 3) : [];
  const exclude = new Set(top.map((t) => t.roomId));
  for (const t of top) {
    const watched = getRoomById(db, t.roomId);
    if (!watched) continue;
    for (const s of store.similarTo(db, t.roomId, limit)) {
      const r = getRoomById(db, s.otherId);
      if (!r || exclude.has(r.id)) continue;
      exclude.add(r.id);
      out.push({ slug: r.slug, title: r.title, live: r.liveSince !== null, score: round4(s.score), reason: { kind: "watched", room: watched.title } });
      if (out.length >= limit) return out;
    }
  }
  return [...out, ...popularLive(db, now, null, exclude, limit - out.length)];
}

// ---- purchase propensity (orders the shop bag)

type FunnelRow = ReturnType<typeof store.funnelRows>[number];

/** Product-level features from a set of funnel rows: click-through, cart rate, log price. */
function productFeatures(rows: readonly FunnelRow[]): Map<number, number[]> {
  const agg = new Map<number, { impr: number; clicks: number; carts: number; price: number }>();
  for (const r of rows) {
    let a = agg.get(r.productId);
    if (!a) agg.set(r.productId, (a = { impr: 0, clicks: 0, carts: 0, price: 0 }));
    a.impr += r.impressions;
    a.clicks += r.clicks;
    a.carts += r.carts;
    a.price = Math.max(a.price, r.price);
  }
  // Laplace smoothing keeps a product with one impression from looking certain.
  return new Map([...agg].map(([id, a]) => [id, [(a.clicks + 1) / (a.impr + 2), (a.carts + 1) / (a.clicks + 2), Math.log1p(a.price / 100)]]));
}

/** Trains on all but the last 20 % of days, reports AUC on those held-out days, then scores every product. */
export function trainPropensity(rows: readonly FunnelRow[]): { scores: Map<number, number>; auc: number | null; trainN: number; testN: number } {
  const days = [...new Set(rows.map((r) => r.day))].sort((a, b) => a - b);
  const cut = days.length >= 2 ? days[Math.max(1, Math.floor(days.length * 0.8))]! : Infinity;
  const train = rows.filter((r) => r.day < cut);
  const test = rows.filter((r) => r.day >= cut);
  const label = (r: FunnelRow): 0 | 1 => (r.paid > 0 ? 1 : 0);
  const fTrain = productFeatures(train);
  const xs = train.map((r) => fTrain.get(r.productId)!);
  const ys = train.map(label);
  if (!xs.length || !ys.includes(1) || !ys.includes(0)) return { scores: new Map(), auc: null, trainN: train.length, testN: test.length };
  const model = logistic(xs, ys);
  const testScores = test.map((r) => probability(model, fTrain.get(r.productId) ?? productFeatures([r]).get(r.productId)!));
  const fAll = productFeatures(rows);
  return {
    scores: new Map([...fAll].map(([id, f]) => [id, probability(model, f)])),
    auc: test.length ? auc(testScores, test.map(label)) : null, trainN: train.length, testN: test.length,
  };
}

export function rebuildPropensity(db: Database, now: number): number {
  let n = 0;
  for (const ownerId of store.shopOwners(db)) {
    const r = trainPropensity(store.funnelRows(db, ownerId));
    store.replacePropensity(db, ownerId, [...r.scores].map(([productId, score]) => ({ productId, score })), { auc: r.auc, trainN: r.trainN, testN: r.testN, at: now });
    n += r.scores.size;
  }
  return n;
}

/** The shop bag's order: highest purchase propensity first; unscored products keep their place after them. */
export function rankProducts<P extends Pick<Product, "id">>(db: Database, ownerId: number, products: readonly P[]): P[] {
  const scores = store.propensityScores(db, ownerId);
  if (!scores.size) return [...products];
  return products.map((p, i) => ({ p, i, s: scores.get(p.id) ?? -1 })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.p);
}

export function propensityReport(db: Database, ownerId: number): PropensityReport {
  const model = store.propensityModel(db, ownerId);
  const scores = [...store.propensityScores(db, ownerId)]
    .map(([productId, score]) => ({ productId, title: getProduct(db, productId)?.title ?? `#${productId}`, score: round4(score) }))
    .sort((a, b) => b.score - a.score);
  return { ownerId, auc: model?.auc === null || model === null ? null : round4(model.auc), trainN: model?.trainN ?? 0, testN: model?.testN ?? 0, scores };
}

// ---- sales forecast

export interface ForecastPoint {
  broadcastId: number;
  units: number;
  viewers: number;
  priceMinor: number;
  minutes: number;
}

/** One row per finished broadcast of the creator: units sold against viewers, mean pinned price and minutes. */
export function forecastPoints(db: Database, ownerId: number, now: number): ForecastPoint[] {
  const list = store.listBroadcasts(db, { kind: "owner", ownerId }, 0, now + 1).filter((b) => b.endedAt !== null);
  const ids = list.map((b) => b.broadcastId);
  const sums = store.broadcastSums(db, ids);
  const prices = store.pinPrices(db, ids);
  const out: ForecastPoint[] = [];
  for (const b of list) {
    const price = prices.get(b.broadcastId);
    if (price === undefined) continue;
    out.push({ broadcastId: b.broadcastId, units: sums.get(b.broadcastId)?.units ?? 0, viewers: b.uniqueViewers, priceMinor: price, minutes: (b.endedAt! - b.startedAt) / MINUTE });
  }
  return out;
}

export function fitForecast(points: readonly ForecastPoint[], plan: { viewers: number; priceMinor: number; minutes: number }): Forecast | { error: string; n: number } {
  const n = points.length;
  if (n < MIN_FORECAST_POINTS) return { error: `not enough data yet: ${n} past broadcast${n === 1 ? "" : "s"} with pinned products, at least ${MIN_FORECAST_POINTS} needed`, n };
  const m = ols(points.map((p) => [p.viewers, p.priceMinor, p.minutes]), points.map((p) => p.units));
  if (!m) return { error: "not enough data yet: past broadcasts are too alike to tell viewers, price and duration apart", n };
  const p = predict(m, [plan.viewers, plan.priceMinor, plan.minutes]);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return { units: r1(Math.max(0, p.y)), low: r1(Math.max(0, p.low)), high: r1(Math.max(0, p.high)), r2: round4(m.r2), n };
}

// ---- rebuilding everything derived

/** Replays every event through the rollup (the same function capture uses), a page at a time. */
export function rebuildRollups(db: Database, pageSize = 50_000): number {
  store.clearRollups(db);
  let after = 0;
  let n = 0;
  for (;;) {
    const page = store.eventsPage(db, after, pageSize);
    if (!page.events.length) return n;
    store.writeBatch(db, page.events, rollup(page.events), "replay");
    after = page.lastId;
    n += page.events.length;
  }
}

export function rebuildDerived(db: Database, now: number, opts: AprioriOptions = SMALL_SHOP): { rules: number; similar: number; propensity: number } {
  return { rules: rebuildRules(db, opts), similar: rebuildSimilar(db, now), propensity: rebuildPropensity(db, now) };
}
