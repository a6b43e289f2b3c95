// Product rules: who may manage a product, what a buyer pays for a product/variant, how much is left.
import type { MoneyDb } from "../deps";
import { isCreator, type User } from "../accounts/model";
import type { FieldError, Product, ProductInput, Variant } from "./model";
import * as store from "./storage";
import { validateProduct } from "./validate";

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function canManageProduct(user: User | null, p: Product): boolean {
  return !!user && (user.id === p.ownerId || user.role === "admin");
}

function normalize(input: ProductInput): ProductInput {
  return {
    ...input, title: input.title.trim(), description: input.description.trim(), currency: input.currency.trim().toUpperCase(),
    variants: input.variants.map((v) => ({ ...v, label: v.label.trim() })),
  };
}

export function createProduct(db: MoneyDb, owner: User, raw: ProductInput, now: number): Result<Product> {
  if (!isCreator(owner)) return { ok: false, errors: [{ field: "owner", message: "error.notCreator" }] };
  const input = normalize(raw);
  const errors = validateProduct(input);
  if (errors.length) return { ok: false, errors };
  const id = db.transaction(() => store.insertProduct(db, owner.id, input, now))();
  return { ok: true, value: store.getProduct(db, id)! };
}

export function editProduct(db: MoneyDb, product: Product, raw: ProductInput, now: number): Result<Product> {
  const input = normalize(raw);
  const errors = validateProduct(input);
  if (errors.length) return { ok: false, errors };
  db.transaction(() => store.updateProduct(db, product.id, input, now))();
  return { ok: true, value: store.getProduct(db, product.id)! };
}

export function unitPrice(p: Product, v: Variant | null): number {
  return v?.priceMinor ?? p.priceMinor;
}

/** Parses the back-office variant lines "Label | price | stock" (price may be empty: the product's price). */
export function parseVariantLines(raw: string, toMinor: (s: string) => number | null): ProductInput["variants"] | null {
  const out: ProductInput["variants"] = [];
  for (const line of raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const [label = "", price = "", stock = ""] = line.split("|").map((s) => s.trim());
    const priceMinor = price === "" ? null : toMinor(price);
    if (!label || (price !== "" && priceMinor === null) || !/^\d{1,7}$/.test(stock)) return null;
    out.push({ label, priceMinor, stock: Number(stock) });
  }
  return out;
}

export const { getProduct, listProductsByOwner, setProductActive, setProductImages } = store;
