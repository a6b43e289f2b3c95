// Stripe Checkout through the official SDK. Orders are never fulfilled from the redirect back to our site, only
// from the signature-verified webhook (constructEventAsync: Bun has SubtleCrypto only, so only the SDK's async helpers work), and every
// event id counts once (webhook_events primary key). Enabled when both the secret key and webhook secret are set.
import type { Database } from "bun:sqlite";
import Stripe from "stripe";
import type { Config } from "../config";
import { CURRENCIES, type Order } from "../shop/model";
import { getOrder, markPaid, markPaidLate, releaseOrder, type ShopEnv } from "../shop/orders";
import { fulfilCoinPurchase, cancelCoinPurchase } from "./coins";
import type { PaymentProvider } from "../shop/providers";
import * as store from "./storage";

export interface StripeGateway extends PaymentProvider {
  /** Creates a Checkout Session for a pending order or coin purchase and returns its URL. */
  checkout(item: CheckoutItem): Promise<string>;
  /** Verifies the signature (and its age) and parses the event; throws on any problem. */
  verify(body: string, signature: string): Promise<Stripe.Event>;
}

export interface CheckoutItem {
  kind: "order" | "coins";
  id: number;
  title: string;
  unitMinor: number;
  quantity: number;
  currency: string;
  backUrl: string;
}

export function stripeProvider(config: Config, baseUrl: string, clientFor: (key: string) => Stripe = (key) => new Stripe(key)): StripeGateway {
  let client: Stripe | null = null;
  const sdk = (): Stripe => (client ??= clientFor(config.stripeSecretKey || "sk_unset"));
  const on = () => config.stripeSecretKey !== "" && config.stripeWebhookSecret !== "";
  return {
    name: "stripe",
    enabled: on,
    accepts: (currency) => currency !== "COIN" && currency in CURRENCIES,
    charge: null,
    payUrl: (order) => (order.status === "pending" ? `/shop/orders/${order.id}/pay` : null),
    refundInTx: () => null,
    async refundBefore(order) {
      if (!order.providerRef?.startsWith("pi_")) return "no Stripe payment is recorded for this order";
      try {
        await sdk().refunds.create({ payment_intent: order.providerRef }, { idempotencyKey: `refund-order-${order.id}` });
        return null;
      } catch (err) {
        return `Stripe refused the refund: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
    async checkout(item) {
      const session = await sdk().checkout.sessions.create(
        {
          mode: "payment",
          client_reference_id: `${item.kind}:${item.id}`,
          metadata: { kind: item.kind, id: String(item.id) },
          line_items: [{ quantity: item.quantity, price_data: { currency: item.currency.toLowerCase(), unit_amount: item.unitMinor, product_data: { name: item.title } } }],
          success_url: `${baseUrl}${item.backUrl}?paid=1`,
          cancel_url: `${baseUrl}${item.backUrl}`,
        },
        { idempotencyKey: `checkout-${item.kind}-${item.id}` },
      );
      if (!session.url) throw new Error("stripe: the Checkout Session has no URL");
      return session.url;
    },
    verify(body, signature) {
      return sdk().webhooks.constructEventAsync(body, signature, config.stripeWebhookSecret);
    },
  };
}

function amountMatches(o: Order, s: Stripe.Checkout.Session): string | null {
  if (s.amount_total !== o.totalMinor || (s.currency ?? "").toUpperCase() !== o.currency) {
    return `paid ${s.amount_total} ${s.currency} but order ${o.id} costs ${o.totalMinor} ${o.currency}`;
  }
  return null;
}

function paymentRef(s: Stripe.Checkout.Session): string {
  return typeof s.payment_intent === "string" ? s.payment_intent : s.payment_intent?.id ?? s.id;
}

/**
 * Applies one verified event. The event id is recorded first in the same transaction as its effect, so a
 * redelivery finds it and does nothing; stale events (an "expired" after the order was paid) hit the
 * conditional status moves and change nothing either.
 */
export function applyStripeEvent(env: ShopEnv, event: Stripe.Event): string {
  const db: Database = env.db;
  const now = env.now();
  // Facts raised by the effect (order.paid → "just bought") wait until the event and its effect are committed.
  const held: (() => void)[] = [];
  const bus: ShopEnv["bus"] = { on: env.bus.on, emit: (name, fact) => void held.push(() => env.bus.emit(name, fact)) };
  const outcome = db.transaction((): string => {
    if (!store.recordWebhookEvent(db, "stripe", event.id, event.type, "received", now)) return "duplicate";
    const result = effect({ ...env, bus }, event, now);
    store.setWebhookOutcome(db, "stripe", event.id, result);
    return result;
  }).immediate();
  for (const emit of held) emit();
  return outcome;
}

function effect(env: ShopEnv, event: Stripe.Event, now: number): string {
  const paid = event.type === "checkout.session.completed" || event.type === "checkout.session.async_payment_succeeded";
  const gone = event.type === "checkout.session.expired" || event.type === "checkout.session.async_payment_failed";
  if (!paid && !gone) return "ignored";
  const s = event.data.object as Stripe.Checkout.Session;
  const [kind, rawId] = (s.client_reference_id ?? "").split(":");
  const id = Number(rawId);
  if (!Number.isSafeInteger(id) || id < 1) return "ignored: no reference";
  if (kind === "coins") {
    if (paid && s.payment_status === "paid") return fulfilCoinPurchase(env.db, id, paymentRef(s), now) ? "coins credited" : "coins already settled";
    if (gone) return cancelCoinPurchase(env.db, id, now) ? "coin purchase cancelled" : "stale";
    return "awaiting payment";
  }
  if (kind !== "order") return "ignored: unknown reference";
  const order = getOrder(env.db, id);
  if (!order || order.provider !== "stripe") return "ignored: no such stripe order";
  if (gone) return releaseOrder(env, id, "cancelled", "stripe: " + event.type) ? "order cancelled" : "stale";
  if (s.payment_status !== "paid") return "awaiting payment";
  const problem = amountMatches(order, s);
  if (problem) return "refused: " + problem;
  const r = markPaid(env, id, { by: "stripe", ref: paymentRef(s) });
  if (!r.ok) return "refused: " + r.message;
  if (r.changed) return "order paid";
  if (order.status === "expired" || order.status === "cancelled") return markPaidLate(env, id, "stripe", paymentRef(s)).changed ? "order paid late" : "paid after release: refund needed";
  return "stale";
}

export function startOrderCheckout(gw: StripeGateway, order: Order): Promise<string> {
  return gw.checkout({ kind: "order", id: order.id, title: order.title, unitMinor: order.unitPriceMinor, quantity: order.quantity, currency: order.currency, backUrl: `/shop/orders/${order.id}` });
}
