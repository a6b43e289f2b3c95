// Charts drawn as SVG on the server (no chart script in the page): a line chart with event markers and a bar
// chart. Sizes are in viewBox units, so CSS scales them to the column width.

const W = 640;
const H = 200;
const PAD = { l: 36, r: 8, t: 10, b: 22 };

function hhmm(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v) ?? v;
}

export function LineChart({ id, label, points, markers = [] }: {
  id: string;
  label: string;
  points: readonly { t: number; v: number }[];
  markers?: readonly { t: number; label: string }[];
}): JSX.Element {
  if (!points.length) return <svg id={id} class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}></svg>;
  const t0 = points[0]!.t;
  const t1 = Math.max(points.at(-1)!.t, t0 + 1);
  const max = niceMax(Math.max(...points.map((p) => p.v)));
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  const line = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
  return (
    <svg id={id} class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line class="axis" x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
      <line class="axis" x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} />
      <text class="tick" x={PAD.l - 4} y={PAD.t + 8} text-anchor="end" safe>{String(max)}</text>
      <text class="tick" x={PAD.l - 4} y={H - PAD.b} text-anchor="end">0</text>
      <text class="tick" x={PAD.l} y={H - 6} safe>{hhmm(t0)}</text>
      <text class="tick" x={W - PAD.r} y={H - 6} text-anchor="end" safe>{hhmm(t1)}</text>
      <polyline class="series" fill="none" points={line} />
      {markers.map((m) => (
        <g class="marker" data-t={String(m.t)}>
          <line x1={x(m.t).toFixed(1)} y1={PAD.t} x2={x(m.t).toFixed(1)} y2={H - PAD.b} />
          <circle cx={x(m.t).toFixed(1)} cy={PAD.t + 4} r="4" />
          <title safe>{`${hhmm(m.t)} ${m.label}`}</title>
        </g>
      ))}
    </svg>
  );
}

export function BarChart({ id, label, bars }: { id: string; label: string; bars: readonly { label: string; v: number; title: string }[] }): JSX.Element {
  const max = niceMax(Math.max(0, ...bars.map((b) => b.v)));
  const slot = (W - PAD.l - PAD.r) / Math.max(bars.length, 1);
  return (
    <svg id={id} class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line class="axis" x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
      <text class="tick" x={PAD.l - 4} y={PAD.t + 8} text-anchor="end" safe>{String(max)}</text>
      {bars.map((b, i) => {
        const h = (b.v / max) * (H - PAD.t - PAD.b);
        return (
          <g class="bar">
            <rect x={(PAD.l + i * slot + slot * 0.1).toFixed(1)} y={(H - PAD.b - h).toFixed(1)} width={(slot * 0.8).toFixed(1)} height={h.toFixed(1)}>
              <title safe>{b.title}</title>
            </rect>
            <text class="tick" x={(PAD.l + i * slot + slot / 2).toFixed(1)} y={H - 6} text-anchor="middle" safe>{b.label}</text>
          </g>
        );
      })}
    </svg>
  );
}

/** Horizontal funnel: each step's bar is proportional to the first step. */
export function Funnel({ steps }: { steps: readonly { label: string; n: number; rate: string }[] }): JSX.Element {
  const top = Math.max(1, steps[0]?.n ?? 1);
  return (
    <ol class="funnel" id="funnel">
      {steps.map((s) => (
        <li>
          <span class="funnel-label" safe>{s.label}</span>
          <span class="funnel-bar" style={`width:${Math.max(1, Math.round((s.n / top) * 100))}%`}></span>
          <span class="funnel-n" safe>{`${s.n} ${s.rate}`}</span>
        </li>
      ))}
    </ol>
  );
}
