// One interface for every way to pay (docs/api.md: orders and providers), owned by the shop: server/payments implements it and the
// shop never imports payments (app.tsx hands the built providers to createShop). The order rules know only `Charge`; a provider
// decides whether it settles inside the order transaction (wallet), later by a person (manual) or later by a
// signed webhook (stripe), and how money goes back on a refund.
import type { MoneyDb } from "../deps";
import { PROVIDER_WORDS, type Order, type ProviderName } from "./model";
import type { Charge } from "./orders";

export interface PaymentProvider {
  readonly name: ProviderName;
  enabled(): boolean;
  accepts(currency: string): boolean;
  /** Settles inside the order transaction; null when payment happens after the order exists. */
  readonly charge: Charge | null;
  /** Where the buyer goes to pay a pending order (null: nothing to do online). */
  payUrl(order: Order): string | null;
  /**
   * Gives the money back. Runs inside the refund transaction (return a problem to abort it); providers whose
   * refund is a network call do it in `refundBefore` and return null here.
   */
  refundInTx(db: MoneyDb, order: Order): string | null;
  refundBefore?(order: Order): Promise<string | null>;
}

export type Providers = Readonly<Record<ProviderName, PaymentProvider>>;

export function providerProblem(p: PaymentProvider | undefined, currency: string): string | null {
  if (!p) return `unknown payment provider; use ${PROVIDER_WORDS}`;
  if (!p.enabled()) return `payment provider "${p.name}" is not enabled on this server`;
  if (!p.accepts(currency)) return p.name === "wallet" ? "coins pay only for products priced in COIN" : `"${p.name}" cannot take ${currency}`;
  return null;
}
