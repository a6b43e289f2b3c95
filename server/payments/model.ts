// Payments types that pages need: coin packs and coin purchases.

export interface CoinPack {
  id: string;
  coins: number;
  priceMinor: number;
  currency: string;
}

export interface CoinPurchase {
  id: number;
  userId: number;
  coins: number;
  priceMinor: number;
  currency: string;
  provider: "manual" | "stripe";
  status: "pending" | "paid" | "cancelled";
  idempotencyKey: string;
  providerRef: string | null;
  createdAt: number;
}
