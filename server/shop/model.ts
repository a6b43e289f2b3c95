// Shop types. Money is always integer minor units plus a currency code; times are UTC ms.
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

export interface OrderEvent {
  kind: string;
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
}

export interface FieldError {
  field: string;
  message: string;
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
