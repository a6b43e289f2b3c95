// CSV export of orders that spreadsheets open safely: every cell is quoted, and a cell that a spreadsheet would
// read as a formula (starting with = + - @, tab or carriage return) gets a leading apostrophe.
import { formatMoney, type Order } from "./model";

export function csvCell(value: string | number | null): string {
  let s = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return `"${s.replaceAll('"', '""')}"`;
}

/** A whole CSV document (CRLF lines, every cell quoted and formula-safe). */
export function csvTable(head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function ordersCsv(orders: readonly Order[]): string {
  const head = ["id", "created_utc", "status", "product", "variant", "quantity", "unit_price_minor", "total_minor", "currency", "total", "provider", "buyer", "shipping_address", "tracking"];
  const rows = orders.map((o) => [
    o.id, new Date(o.createdAt).toISOString(), o.status, o.title, o.variantLabel, o.quantity, o.unitPriceMinor, o.totalMinor,
    o.currency, formatMoney(o.totalMinor, o.currency), o.provider, o.buyerName, o.shippingAddress, o.tracking,
  ]);
  return csvTable(head, rows);
}
