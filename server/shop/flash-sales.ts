// Flash sales: a sale price for a limited quantity within a window on the server's clock, with a per-buyer limit.
import type { Database } from "bun:sqlite";
import type { FieldError, FlashSale, Product } from "./model";
import { stockOf } from "./products";
import * as store from "./storage";
import { validateFlashSale } from "./validate";

export type SaleState = "upcoming" | "live" | "sold_out" | "ended";

export function saleState(s: FlashSale, now: number): SaleState {
  if (now >= s.endsAt) return "ended";
  if (now < s.startsAt) return "upcoming";
  return s.remaining > 0 ? "live" : "sold_out";
}

export function createFlashSale(
  db: Database, product: Product, input: { priceMinor: number; quantity: number; perBuyerLimit: number; startsAt: number; endsAt: number }, now: number,
): { ok: true; value: FlashSale } | { ok: false; errors: FieldError[] } {
  const errors = validateFlashSale(input, stockOf(product), product.currency);
  if (input.endsAt <= now) errors.push({ field: "endsAt", message: "shop.error.window" });
  if (store.currentFlashSale(db, product.id, now)) errors.push({ field: "startsAt", message: "shop.error.saleExists" });
  if (errors.length) return { ok: false, errors };
  const id = store.insertFlashSale(db, { productId: product.id, ...input }, now);
  return { ok: true, value: store.getFlashSale(db, id)! };
}

export const { getFlashSale, currentFlashSale, endFlashSale } = store;
