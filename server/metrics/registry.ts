// A small Prometheus text-format (0.0.4) writer: counters, gauges and histograms with labels. Enough for our
// own metrics without a client library; `promtool check metrics` runs on the real output in the tests.
export type Labels = Record<string, string>;

const esc = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const num = (v: number): string => (v === Number.POSITIVE_INFINITY ? "+Inf" : Number.isFinite(v) ? String(v) : "NaN");

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.length ? `{${keys.map((k) => `${k}="${esc(labels[k]!)}"`).join(",")}}` : "";
}

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
}

export class Counter {
  private values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly family: Family) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const v = this.values.get(key);
    if (v) v.value += by;
    else this.values.set(key, { labels, value: by });
  }
  lines(): string[] {
    return [...this.values.values()].map((v) => `${this.family.name}${labelText(v.labels)} ${num(v.value)}`);
  }
}

export class Histogram {
  private series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly family: Family, private buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.family.name}_bucket${labelText({ ...s.labels, le: num(b) })} ${s.counts[i]}`));
      out.push(`${this.family.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
      out.push(`${this.family.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      out.push(`${this.family.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** A gauge is read at scrape time: the callback returns its current series. */
export interface Gauge {
  family: Family;
  read(): { labels?: Labels; value: number }[];
}

export function render(families: readonly (Counter | Histogram | Gauge)[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.family.name} ${f.family.help}`, `# TYPE ${f.family.name} ${f.family.type}`);
    if ("read" in f) for (const s of f.read()) out.push(`${f.family.name}${labelText(s.labels ?? {})} ${num(s.value)}`);
    else out.push(...f.lines());
  }
  return out.join("\n") + "\n";
}

export const counter = (name: string, help: string): Counter => new Counter({ name, help, type: "counter" });
export const histogram = (name: string, help: string, buckets: readonly number[]): Histogram => new Histogram({ name, help, type: "histogram" }, buckets);
export const gauge = (name: string, help: string, read: Gauge["read"]): Gauge => ({ family: { name, help, type: "gauge" }, read });
