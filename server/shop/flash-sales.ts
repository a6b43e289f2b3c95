// Flash sales: a sale price for a limited quantity within a window on the server's clock, with a per-buyer limit.
import type { MoneyDb } from "../deps";
import { stockOf, type FieldError, type FlashSale, type Product } from "./model";
import * as store from "./storage";
import { validateFlashSale } from "./validate";

export function createFlashSale(
  db: MoneyDb, product: Product, input: { priceMinor: number; quantity: number; perBuyerLimit: number; startsAt: number; endsAt: number }, now: number,
): { ok: true; value: FlashSale } | { ok: false; errors: FieldError[] } {
  const errors = validateFlashSale(input, stockOf(product));
  if (input.endsAt <= now) errors.push({ field: "endsAt", message: "shop.error.window" });
  if (store.currentFlashSale(db, product.id, now)) errors.push({ field: "startsAt", message: "shop.error.saleExists" });
  if (errors.length) return { ok: false, errors };
  const id = store.insertFlashSale(db, { productId: product.id, ...input }, now);
  return { ok: true, value: store.getFlashSale(db, id)! };
}

export const { getFlashSale, currentFlashSale, endFlashSale } = store;
