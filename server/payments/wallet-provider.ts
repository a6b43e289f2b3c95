// Pays with coins from the buyer's wallet inside the order transaction: the order row, the stock decrement and the
// ledger movement commit together or not at all (the wallet's own transaction nests as a savepoint).
import { requestHash, transferCoins } from "../wallet/wallet";
import type { PaymentProvider } from "../shop/providers";

export function walletProvider(): PaymentProvider {
  return {
    name: "wallet",
    enabled: () => true,
    accepts: (currency) => currency === "COIN",
    charge(db, order) {
      const r = transferCoins(db, {
        payerId: order.buyerId, legs: [{ userId: order.sellerId, coins: order.totalMinor }], reason: "order",
        ref: `order:${order.id}`, idempotencyKey: `order:${order.id}`,
        requestHash: requestHash({ order: order.id, coins: order.totalMinor, seller: order.sellerId }),
      }, order.createdAt);
      if (r.ok) return { ok: true, paid: true, ref: `ledger:${r.entryId}` };
      return { ok: false, refusal: r.error === "insufficient" ? { kind: "payment", status: 402, message: "not enough coins" } : { kind: "conflict", message: "payment conflict" } };
    },
    payUrl: () => null,
    refundInTx(db, order) {
      const r = transferCoins(db, {
        payerId: order.sellerId, legs: [{ userId: order.buyerId, coins: order.totalMinor }], reason: "refund",
        ref: `order:${order.id}`, idempotencyKey: `refund:order:${order.id}`,
        requestHash: requestHash({ refund: order.id, coins: order.totalMinor }),
      });
      return r.ok ? null : r.error === "insufficient" ? "the seller's wallet holds too few coins for this refund" : "refund conflict";
    },
  };
}
