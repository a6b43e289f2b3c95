// OLS recovers known coefficients and R²; the prediction interval uses Student's t; logistic regression recovers
// its coefficients; AUC by hand; the forecast refuses below 10 broadcasts.
import { describe, expect, test } from "bun:test";
import { fitForecast, trainPropensity, type ForecastPoint } from "./recommend";
import { auc, logistic, ols, predict, probability, t975 } from "./regression";
import { rng } from "../../test/helpers/rng";

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

describe("ordinary least squares", () => {
  test("exact data: coefficients to 1e-9 and R² = 1", () => {
    const xs: number[][] = [];
    const ys: number[] = [];
    const r = rng(1);
    for (let i = 0; i < 30; i++) {
      const x = [Math.round(r() * 500), 1000 + Math.round(r() * 4000), 30 + Math.round(r() * 150)];
      xs.push(x);
      ys.push(2 + 0.05 * x[0]! - 0.001 * x[1]! + 0.1 * x[2]!);
    }
    const m = ols(xs, ys)!;
    expect(m.coef.map((c) => Math.round(c * 1e9) / 1e9)).toEqual([2, 0.05, -0.001, 0.1]);
    expect(m.r2).toBeCloseTo(1, 12);
    const p = predict(m, [200, 2000, 60]);
    expect(p.y).toBeCloseTo(2 + 10 - 2 + 6, 9);
    expect(p.high - p.low).toBeLessThan(1e-6);
  });

  test("noisy data: coefficients within their noise and R² equal to 1 − SSE/SST", () => {
    const r = rng(7);
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 400; i++) {
      const x = [r() * 1000, 500 + r() * 5000, 20 + r() * 160];
      xs.push(x);
      ys.push(5 + 0.04 * x[0]! - 0.002 * x[1]! + 0.2 * x[2]! + gauss(r) * 2);
    }
    const m = ols(xs, ys)!;
    expect(m.coef[1]!).toBeCloseTo(0.04, 3);
    expect(m.coef[2]!).toBeCloseTo(-0.002, 3);
    expect(m.coef[3]!).toBeCloseTo(0.2, 2);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const fit = xs.map((x) => m.coef[0]! + m.coef[1]! * x[0]! + m.coef[2]! * x[1]! + m.coef[3]! * x[2]!);
    const sse = ys.reduce((s, y, i) => s + (y - fit[i]!) ** 2, 0);
    const sst = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
    expect(m.r2).toBeCloseTo(1 - sse / sst, 12);
    expect(m.r2).toBeGreaterThan(0.9);
    // About 95 % of fresh points fall inside their 95 % prediction interval.
    let inside = 0;
    for (let i = 0; i < 1000; i++) {
      const x = [r() * 1000, 500 + r() * 5000, 20 + r() * 160];
      const y = 5 + 0.04 * x[0]! - 0.002 * x[1]! + 0.2 * x[2]! + gauss(r) * 2;
      const p = predict(m, x);
      if (y >= p.low && y <= p.high) inside++;
    }
    expect(inside).toBeGreaterThan(930);
    expect(inside).toBeLessThan(975);
  });

  test("Student's t quantiles", () => {
    expect(t975(6)).toBeCloseTo(2.446912, 3);
    expect(t975(10)).toBeCloseTo(2.228139, 4);
    expect(t975(30)).toBeCloseTo(2.042272, 5);
  });
});

describe("sales forecast", () => {
  const points = (n: number): ForecastPoint[] => Array.from({ length: n }, (_, i) => ({
    broadcastId: i + 1, viewers: 100 + i * 37 % 300, priceMinor: 1000 + (i * 53 % 7) * 500, minutes: 30 + (i * 11 % 9) * 10,
    units: 0,
  })).map((p) => ({ ...p, units: 1 + 0.1 * p.viewers - 0.002 * p.priceMinor + 0.05 * p.minutes }));

  test("fewer than 10 broadcasts: not enough data", () => {
    const r = fitForecast(points(9), { viewers: 100, priceMinor: 1000, minutes: 60 });
    expect(r).toEqual({ error: expect.stringContaining("not enough data"), n: 9 });
  });

  test("10 or more: units, interval, R² and n", () => {
    // 1 + 0.1 × 200 − 0.002 × 1500 + 0.05 × 60 = 21, exactly (the points lie on the plane: no interval).
    const r = fitForecast(points(12), { viewers: 200, priceMinor: 1500, minutes: 60 });
    expect(r).toEqual({ units: 21, low: 21, high: 21, r2: 1, n: 12 });
  });
});

describe("logistic regression and AUC", () => {
  test("recovers its coefficients from 5,000 synthetic draws", () => {
    const r = rng(3);
    const xs: number[][] = [];
    const ys: (0 | 1)[] = [];
    for (let i = 0; i < 5000; i++) {
      const x = [gauss(r), gauss(r)];
      xs.push(x);
      ys.push(r() < 1 / (1 + Math.exp(-(-0.5 + 1.5 * x[0]! - 1 * x[1]!))) ? 1 : 0);
    }
    const m = logistic(xs, ys);
    // Inputs are standardised inside the model; the probabilities are what must match.
    for (const x of [[0, 0], [1, -1], [-1, 2]]) {
      expect(probability(m, x)).toBeCloseTo(1 / (1 + Math.exp(-(-0.5 + 1.5 * x[0]! - x[1]!))), 1);
    }
  });

  test("AUC by hand: 3 of 4 positive-negative pairs ordered right", () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.1, 0.2], [0, 1])).toBe(1);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.5, 0.6], [1, 1])).toBeNull();
  });

  test("purchase propensity ranks the product that converts first, with a held-out AUC", () => {
    const rows = [];
    for (let day = 0; day < 10; day++) {
      for (let v = 0; v < 20; v++) {
        // Product 1 converts 1 in 4 impressions; product 2 never.
        rows.push({ viewer: `v${v}`, productId: 1, day, impressions: 1, clicks: v % 2, carts: v % 4 === 0 ? 1 : 0, paid: v % 4 === 0 ? 1 : 0, price: 1500 });
        rows.push({ viewer: `v${v}`, productId: 2, day, impressions: 1, clicks: v % 5 === 0 ? 1 : 0, carts: 0, paid: 0, price: 9900 });
      }
    }
    const r = trainPropensity(rows);
    expect(r.scores.get(1)!).toBeGreaterThan(r.scores.get(2)!);
    expect(r.trainN).toBe(320);
    expect(r.testN).toBe(80);
    // Held out: days 8-9, 10 buyers of product 1 against 30 non-buyers of product 1 (tied scores count half)
    // and 40 viewers of product 2: (10 × 40 + 0.5 × 10 × 30) / (10 × 70) = 11/14.
    expect(r.auc).toBeCloseTo(11 / 14, 12);
  });
});
