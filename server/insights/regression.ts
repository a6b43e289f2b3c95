// Regression models (pure): ordinary least squares with a prediction interval, logistic regression by
// Newton's method (IRLS), and the AUC of a score against labels.

/** Solves A x = b for a small symmetric system and returns A⁻¹ too (Gauss-Jordan with partial pivoting). */
function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

const withIntercept = (x: readonly number[]) => [1, ...x];
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

export interface OlsModel {
  /** Intercept first, then one coefficient per feature. */
  coef: number[];
  r2: number;
  n: number;
  /** Residual variance s² = SSE / (n - p). */
  s2: number;
  xtxInv: number[][];
}

export function ols(xs: readonly (readonly number[])[], ys: readonly number[]): OlsModel | null {
  const n = ys.length;
  const p = (xs[0]?.length ?? 0) + 1;
  if (n <= p) return null;
  const X = xs.map(withIntercept);
  const xtx = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const inv = invert(xtx);
  if (!inv) return null;
  const xty = Array.from({ length: p }, (_, i) => X.reduce((s, r, k) => s + r[i]! * ys[k]!, 0));
  const coef = inv.map((row) => dot(row, xty));
  const mean = ys.reduce((s, y) => s + y, 0) / n;
  let sse = 0;
  let sst = 0;
  X.forEach((r, k) => {
    sse += (ys[k]! - dot(coef, r)) ** 2;
    sst += (ys[k]! - mean) ** 2;
  });
  return { coef, r2: sst === 0 ? 1 : 1 - sse / sst, n, s2: sse / (n - p), xtxInv: inv };
}

/**
 * Two-sided 95 % quantile of Student's t with `df` degrees of freedom (Cornish-Fisher expansion around the normal
 * quantile; within 0.1 % of the exact value for df ≥ 5).
 */
export function t975(df: number): number {
  const z = 1.959963984540054;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7, z9 = z ** 9;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2)
    + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
    + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4);
}

/** The prediction at x with its 95 % prediction interval (for one new observation). */
export function predict(m: OlsModel, x: readonly number[]): { y: number; low: number; high: number } {
  const r = withIntercept(x);
  const y = dot(m.coef, r);
  const lever = dot(r, m.xtxInv.map((row) => dot(row, r)));
  const half = t975(m.n - m.coef.length) * Math.sqrt(m.s2 * (1 + lever));
  return { y, low: y - half, high: y + half };
}

export interface LogisticModel {
  coef: number[];
  /** Feature means and scales the coefficients apply to (standardised inputs keep Newton's method stable). */
  mean: number[];
  scale: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Logistic regression by IRLS with a small ridge penalty (separable data would otherwise diverge). */
export function logistic(xs: readonly (readonly number[])[], ys: readonly (0 | 1)[], opts: { iterations?: number; ridge?: number } = {}): LogisticModel {
  const d = xs[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((s, x) => s + x[j]!, 0) / Math.max(xs.length, 1));
  const scale = Array.from({ length: d }, (_, j) => Math.sqrt(xs.reduce((s, x) => s + (x[j]! - mean[j]!) ** 2, 0) / Math.max(xs.length, 1)) || 1);
  const X = xs.map((x) => withIntercept(x.map((v, j) => (v - mean[j]!) / scale[j]!)));
  const p = d + 1;
  let coef = Array<number>(p).fill(0);
  const ridge = opts.ridge ?? 1e-3;
  for (let it = 0; it < (opts.iterations ?? 25); it++) {
    const g = Array<number>(p).fill(0);
    const h = Array.from({ length: p }, () => Array<number>(p).fill(0));
    X.forEach((r, k) => {
      const mu = sigmoid(dot(coef, r));
      const w = Math.max(mu * (1 - mu), 1e-9);
      for (let i = 0; i < p; i++) {
        g[i]! += (ys[k]! - mu) * r[i]!;
        for (let j = 0; j < p; j++) h[i]![j]! += w * r[i]! * r[j]!;
      }
    });
    for (let i = 1; i < p; i++) {
      g[i]! -= ridge * coef[i]!;
      h[i]![i]! += ridge;
    }
    const inv = invert(h);
    if (!inv) break;
    const step = inv.map((row) => dot(row, g));
    coef = coef.map((c, i) => c + step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { coef, mean, scale };
}

export function probability(m: LogisticModel, x: readonly number[]): number {
  return sigmoid(dot(m.coef, withIntercept(x.map((v, j) => (v - m.mean[j]!) / m.scale[j]!))));
}

/** Area under the ROC curve (Mann-Whitney, ties counted half); null without both classes. */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number | null {
  const idx = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && idx[j]!.s === idx[i]!.s) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (idx[k]!.y === 1) {
      pos++;
      rankSum += rank;
    }
    i = j;
  }
  const neg = idx.length - pos;
  if (!pos || !neg) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
