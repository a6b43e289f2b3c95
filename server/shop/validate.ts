// Domain validators: each returns a FieldError (message = i18n key) or null. Routes also validate shape with `t`.
import type { MessageKey } from "../i18n";
import { isCurrency, PROVIDERS, type FieldError, type ProductInput, type ProviderName } from "./model";

const MAX_MINOR = 100_000_000_00;
const MAX_STOCK = 1_000_000;
export const MAX_QUANTITY = 100;

const err = (field: string, message: MessageKey): FieldError => ({ field, message });

export function validateProduct(p: ProductInput): FieldError[] {
  const out: (FieldError | null)[] = [
    p.title.trim().length >= 1 && p.title.trim().length <= 120 ? null : err("title", "shop.error.title"),
    p.description.length <= 5000 ? null : err("description", "shop.error.description"),
    Number.isSafeInteger(p.priceMinor) && p.priceMinor >= 0 && p.priceMinor <= MAX_MINOR ? null : err("price", "shop.error.price"),
    isCurrency(p.currency) ? null : err("currency", "shop.error.currency"),
    Number.isSafeInteger(p.stock) && p.stock >= 0 && p.stock <= MAX_STOCK ? null : err("stock", "shop.error.stock"),
    p.kind === "physical" || p.kind === "digital" ? null : err("kind", "shop.error.kind"),
    p.variants.length <= 20 ? null : err("variants", "shop.error.variants"),
  ];
  const labels = new Set<string>();
  for (const v of p.variants) {
    const bad = !v.label.trim() || v.label.length > 60 || labels.has(v.label.trim().toLowerCase()) ||
      (v.priceMinor !== null && (!Number.isSafeInteger(v.priceMinor) || v.priceMinor < 0 || v.priceMinor > MAX_MINOR)) ||
      !Number.isSafeInteger(v.stock) || v.stock < 0 || v.stock > MAX_STOCK;
    if (bad) {
      out.push(err("variants", "shop.error.variants"));
      break;
    }
    labels.add(v.label.trim().toLowerCase());
  }
  return out.filter((e): e is FieldError => e !== null);
}

export function validateQuantity(q: number): FieldError | null {
  return Number.isSafeInteger(q) && q >= 1 && q <= MAX_QUANTITY ? null : err("quantity", "shop.error.quantity");
}

export function validateIdempotencyKey(k: string): FieldError | null {
  return /^[A-Za-z0-9_.:-]{8,100}$/.test(k) ? null : err("idempotencyKey", "shop.error.idempotencyKey");
}

export function validateProvider(p: string): p is ProviderName {
  return (PROVIDERS as readonly string[]).includes(p);
}

export function validateAddress(a: string | null): FieldError | null {
  return a && a.trim().length >= 5 && a.length <= 500 ? null : err("shippingAddress", "shop.error.address");
}

export function validateTracking(t: string): FieldError | null {
  return /^[A-Za-z0-9 ._\-/#]{3,60}$/.test(t.trim()) ? null : err("tracking", "shop.error.tracking");
}

export function validateFlashSale(s: { priceMinor: number; quantity: number; perBuyerLimit: number; startsAt: number; endsAt: number }, stock: number): FieldError[] {
  const out: (FieldError | null)[] = [
    Number.isSafeInteger(s.priceMinor) && s.priceMinor >= 0 && s.priceMinor <= MAX_MINOR ? null : err("salePrice", "shop.error.price"),
    Number.isSafeInteger(s.quantity) && s.quantity >= 1 && s.quantity <= stock ? null : err("saleQuantity", "shop.error.saleQuantity"),
    Number.isSafeInteger(s.perBuyerLimit) && s.perBuyerLimit >= 1 && s.perBuyerLimit <= MAX_QUANTITY ? null : err("perBuyerLimit", "shop.error.perBuyerLimit"),
    Number.isFinite(s.startsAt) && Number.isFinite(s.endsAt) && s.endsAt > s.startsAt ? null : err("endsAt", "shop.error.window"),
  ];
  return out.filter((e): e is FieldError => e !== null);
}
