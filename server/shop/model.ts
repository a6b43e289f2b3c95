// Shop types. Money is always integer minor units plus a currency code; times are UTC ms.
import type { MessageKey } from "../i18n";

export type ProductKind = "physical" | "digital";
export type OrderStatus = "pending" | "paid" | "shipped" | "completed" | "cancelled" | "refunded" | "expired";
/** The one list of payment providers, in display order (server/payments implements each). */
export const PROVIDERS = ["wallet", "manual", "stripe"] as const;
export type ProviderName = (typeof PROVIDERS)[number];
/** "wallet, manual or stripe", for error messages. */
export const PROVIDER_WORDS = `${PROVIDERS.slice(0, -1).join(", ")} or ${PROVIDERS[PROVIDERS.length - 1]}`;
export const ORDER_STATUSES: readonly OrderStatus[] = ["pending", "paid", "shipped", "completed", "cancelled", "refunded", "expired"];

export interface Price {
  minor: number;
  currency: string;
}

export interface Variant {
  id: number;
  productId: number;
  label: string;
  /** null: the product's price applies. */
  priceMinor: number | null;
  stock: number;
}

export interface Product {
  id: number;
  ownerId: number;
  ownerName: string;
  ownerUsername: string;
  title: string;
  description: string;
  priceMinor: number;
  currency: string;
  stock: number;
  kind: ProductKind;
  images: string[];
  active: boolean;
  createdAt: number;
  updatedAt: number;
  variants: Variant[];
}

export interface FlashSale {
  id: number;
  productId: number;
  priceMinor: number;
  quantity: number;
  remaining: number;
  perBuyerLimit: number;
  startsAt: number;
  endsAt: number;
  createdAt: number;
}

export interface Order {
  id: number;
  buyerId: number;
  buyerName: string;
  sellerId: number;
  productId: number;
  variantId: number | null;
  variantLabel: string | null;
  flashSaleId: number | null;
  roomId: number | null;
  title: string;
  quantity: number;
  unitPriceMinor: number;
  totalMinor: number;
  currency: string;
  provider: ProviderName;
  status: OrderStatus;
  idempotencyKey: string;
  requestHash: string;
  shippingAddress: string | null;
  tracking: string | null;
  providerRef: string | null;
  reservedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export type OrderEventKind = Exclude<OrderStatus, "pending"> | "created" | "paid_after_release";

export interface OrderEvent {
  kind: OrderEventKind;
  note: string;
  at: number;
}

export interface Pin {
  id: number;
  roomId: number;
  productId: number;
  broadcastId: number | null;
  offsetMs: number | null;
  pinnedAt: number;
  unpinnedAt: number | null;
  unpinOffsetMs: number | null;
}

export interface ProductInput extends Pick<Product, "title" | "description" | "priceMinor" | "currency" | "stock" | "kind"> {
  /** "label:price:stock" lines are parsed by the form layer; here already structured. */
  variants: { label: string; priceMinor: number | null; stock: number }[];
}

export interface PlaceOrderInput {
  buyerId: number;
  productId: number;
  variantId: number | null;
  quantity: number;
  provider: ProviderName;
  idempotencyKey: string;
  flashSaleId: number | null;
  /** What the buyer saw; a mismatch means the price changed or was tampered with. */
  expectedUnitPriceMinor: number | null;
  currency: string | null;
  shippingAddress: string | null;
  roomId: number | null;
  /** A price agreed elsewhere (an auction's hammer price): replaces the shelf price. Set by server rules only, never from a request. */
  agreedUnitPriceMinor?: number;
}

export interface FieldError {
  field: string;
  message: MessageKey;
}

/** Why an order could not be placed: an HTTP-independent reason the routes map to a status. */
export type OrderRefusal =
  | { kind: "invalid"; field: string; message: string }
  | { kind: "not_found"; message: string }
  | { kind: "sold_out"; message: string }
  | { kind: "limit"; message: string }
  | { kind: "sale_over"; message: string }
  | { kind: "conflict"; message: string }
  | { kind: "payment"; message: string; status: 402 | 409 | 503 };

// Pure helpers that pages, rules and storage share.

/** A product's stock: the sum of its variants' stock when it has variants. */
export function stockOf(p: Product): number {
  return p.variants.length ? p.variants.reduce((n, v) => n + v.stock, 0) : p.stock;
}

export type SaleState = "upcoming" | "live" | "sold_out" | "ended";

export function saleState(s: FlashSale, now: number): SaleState {
  if (now >= s.endsAt) return "ended";
  if (now < s.startsAt) return "upcoming";
  return s.remaining > 0 ? "live" : "sold_out";
}

/** The thumbnail stored beside each product image. */
export function thumbName(image: string): string {
  return image.replace(/\.(jpg|png|webp)$/, "-t.jpg");
}

/** The Studio's order list filter. */
export interface OrderFilter {
  status: OrderStatus | null;
  productId: number | null;
  from: number | null;
  to: number | null;
  q: string | null;
}

// Currencies and formatting. COIN is the house currency paid from the wallet (1 coin = 1 minor unit);
// the others are ISO 4217 codes with their minor-unit exponent.
export const CURRENCIES: Readonly<Record<string, number>> = {
  COIN: 0, USD: 2, EUR: 2, GBP: 2, CNY: 2, HKD: 2, TWD: 2, SGD: 2, AUD: 2, CAD: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2,
  PLN: 2, CZK: 2, BRL: 2, MXN: 2, INR: 2, IDR: 2, MYR: 2, PHP: 2, THB: 2, VND: 0, JPY: 0, KRW: 0,
};

export function isCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCIES, code);
}

/** One formatter per currency: building an Intl.NumberFormat costs far more than formatting (a room page formats ~10 prices). */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(currency: string, exp: number): Intl.NumberFormat | null {
  let f = formatters.get(currency);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat("en", { style: "currency", currency, minimumFractionDigits: exp, maximumFractionDigits: exp });
    } catch {
      f = null;
    }
    // Currencies come from a fixed table plus stored products; the bound only guards against a flood of junk codes.
    if (formatters.size < 1000) formatters.set(currency, f);
  }
  return f;
}

export function formatMoney(minor: number, currency: string): string {
  if (currency === "COIN") return `${minor} coins`;
  const exp = CURRENCIES[currency] ?? 2;
  const value = minor / 10 ** exp;
  return formatterFor(currency, exp)?.format(value) ?? `${value.toFixed(exp)} ${currency}`;
}

/** Parses "12.50" into minor units for the currency; null when it is not a valid amount. */
export function parseAmount(raw: string, currency: string): number | null {
  const exp = CURRENCIES[currency];
  if (exp === undefined) return null;
  const m = raw.trim().match(exp === 0 ? /^(\d{1,12})$/ : new RegExp(`^(\\d{1,12})(?:\\.(\\d{1,${exp}}))?$`));
  if (!m) return null;
  const frac = (m[2] ?? "").padEnd(exp, "0");
  return Number(m[1]) * 10 ** exp + (exp ? Number(frac) : 0);
}

/** A pinned product as a room event carries it (prices already formatted). */
export interface PinCard {
  productId: number;
  title: string;
  price: string;
  priceMinor: number;
  currency: string;
  salePrice: string | null;
  saleEndsAt: number | null;
  stock: number;
  image: string | null;
  url: string;
}

/** The room event carrying the whole current pin list, so a late page or overlay needs no other state. */
export interface PinEvent {
  type: "pin";
  action: "pin" | "unpin" | "clear" | "update";
  productId: number | null;
  pins: PinCard[];
}

/** "X just bought Y" for a paid order placed from the room (display names only). */
export interface PurchaseEvent {
  type: "purchase";
  buyer: string;
  product: string;
  productId: number;
  quantity: number;
}

declare module "../realtime/model" {
  interface RoomEvents {
    pin: PinEvent;
    purchase: PurchaseEvent;
  }
}
