import { plural } from "../../src/shared/plural.ts";
/** BarChartProps are one series of labelled values and how to print them. */
export interface BarChartProps {
  title: string;
  points: { label: string; value: number | null }[];
  unit?: string;
  format?: (v: number) => string;
  /** summary replaces the period's total (a sum means nothing for a rate or an average); null: no data. */
  summary?: { label: string; value: number | null };
}

const W = 600;
const H = 140;
const PAD = { top: 14, right: 8, bottom: 22, left: 40 };

/**
 * BarChart draws a small server-rendered SVG bar chart (no chart library: a title, bars, a max
 * label and first/last dates are all these charts need). Each bar has a <title> for hover and
 * screen readers; a null value is a gap, not a zero.
 */
export function BarChart(p: BarChartProps): JSX.Element {
  const fmt = p.format ?? ((v: number) => String(Math.round(v)));
  const max = Math.max(0, ...p.points.map((x) => x.value ?? 0));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const step = innerW / Math.max(1, p.points.length);
  const bar = Math.max(1, step * 0.7);
  const total = p.points.reduce((a, x) => a + (x.value ?? 0), 0);
  return (
    <figure class="chart">
      <figcaption safe>{p.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${p.title}: ${plural(p.points.length, "day")}, peak ${fmt(max)}${p.unit ?? ""}`}>
        <line x1={String(PAD.left)} y1={String(PAD.top + innerH)} x2={String(W - PAD.right)} y2={String(PAD.top + innerH)} class="axis" />
        <text x={String(PAD.left - 6)} y={String(PAD.top + 4)} class="tick" text-anchor="end" safe>
          {fmt(max)}
        </text>
        <text x={String(PAD.left - 6)} y={String(PAD.top + innerH)} class="tick" text-anchor="end">
          0
        </text>
        {p.points.map((pt, i) => {
          if (pt.value === null) return "";
          const h = max > 0 ? (pt.value / max) * innerH : 0;
          const x = PAD.left + i * step + (step - bar) / 2;
          return (
            <rect x={x.toFixed(1)} y={(PAD.top + innerH - h).toFixed(1)} width={bar.toFixed(1)} height={h.toFixed(1)} class="bar">
              <title safe>{`${pt.label}: ${fmt(pt.value)}${p.unit ?? ""}`}</title>
            </rect>
          );
        })}
        <text x={String(PAD.left)} y={String(H - 6)} class="tick" safe>
          {p.points[0]?.label ?? ""}
        </text>
        <text x={String(W - PAD.right)} y={String(H - 6)} class="tick" text-anchor="end" safe>
          {p.points.at(-1)?.label ?? ""}
        </text>
      </svg>
      <p class="muted small" safe>
        {p.summary ? `${p.summary.label}: ${p.summary.value === null ? "no data" : `${fmt(p.summary.value)}${p.unit ?? ""}`}` : `Total over the period: ${fmt(total)}${p.unit ?? ""}`}
      </p>
    </figure>
  );
}
