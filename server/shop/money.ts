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
