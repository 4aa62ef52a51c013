import { clockLabel, formatValue, niceTicks, timeTicks } from './chart-scale.js';

/** One series of a line chart, in time order; a null value is a gap (nothing measured then), not a zero. */
export interface Series {
  label: string;
  color: string;
  points: { t: number; v: number | null }[];
}

/** A moment worth seeing on the chart: a pause, a resume, a limit change, a capacity drop. */
export interface Marker {
  t: number;
  kind: 'pause' | 'resume' | 'limit' | 'capacity' | 'event';
  label: string;
}

const MARKER_COLORS: Record<Marker['kind'], string> = { pause: '#b00020', resume: '#137333', limit: '#a05a00', capacity: '#8a4fd8', event: '#5b6475' };
const W = 720;
const H = 220;
const PAD = { left: 54, right: 12, top: 14, bottom: 24 };

/** Runs of consecutive non-null points: each is drawn as its own line, so a gap stays a gap. */
function segments(points: Series['points']): { t: number; v: number }[][] {
  const out: { t: number; v: number }[][] = [];
  let run: { t: number; v: number }[] = [];
  for (const p of points) {
    if (p.v === null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push({ t: p.t, v: p.v });
  }
  if (run.length) out.push(run);
  return out;
}

/**
 * A server-rendered SVG line chart: y-axis ticks in the unit, time ticks, every
 * point with its value on hover (an SVG title, no script), gaps where nothing was
 * measured, and markers for events. Readable without colour (labels in the legend).
 */
export function LineChart(props: { title: string; unit: string; series: Series[]; markers?: Marker[]; range?: { from: number; to: number } }) {
  const all = props.series.flatMap((s) => s.points.filter((p) => p.v !== null)) as { t: number; v: number }[];
  if (all.length === 0) {
    return (
      <figure class="chart">
        <figcaption>{props.title}</figcaption>
        <p class="muted">Nothing measured in this period.</p>
      </figure>
    );
  }
  const t0 = props.range?.from ?? Math.min(...all.map((p) => p.t));
  const t1 = Math.max(props.range?.to ?? Math.max(...all.map((p) => p.t)), t0 + 1000);
  const ticks = niceTicks(Math.max(...all.map((p) => p.v)));
  const vMax = ticks.at(-1)!;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / vMax) * (H - PAD.top - PAD.bottom);
  const unit = props.unit ? ` ${props.unit}` : '';
  const markers = (props.markers ?? []).filter((m) => m.t >= t0 && m.t <= t1);
  return (
    <figure class="chart">
      <figcaption>
        {props.title}
        {props.unit ? <span class="muted"> ({props.unit})</span> : null}{' '}
        {props.series.map((s) => (
          <span class="legend" style={`color:${s.color}`}>
            ■ {s.label}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        {ticks.map((v) => (
          <g>
            <line x1={PAD.left} y1={y(v)} x2={W - PAD.right} y2={y(v)} stroke={v === 0 ? '#9aa3b2' : '#eceef1'} />
            <text x={PAD.left - 4} y={y(v) + 3} text-anchor="end" font-size="10">
              {formatValue(v)}
              {v === vMax ? unit : ''}
            </text>
          </g>
        ))}
        {timeTicks(t0, t1).map((t) => (
          <text x={x(t)} y={H - 6} text-anchor="middle" font-size="10">
            {clockLabel(t, t1 - t0)}
          </text>
        ))}
        {markers.map((m) => (
          <g class="marker" data-marker={m.kind}>
            <title>{`${clockLabel(m.t, 0)} ${m.label}`}</title>
            <line x1={x(m.t)} y1={PAD.top} x2={x(m.t)} y2={y(0)} stroke={MARKER_COLORS[m.kind]} stroke-dasharray="4 3" stroke-width="1.4" />
            <text x={x(m.t) + 2} y={PAD.top + 8} font-size="9" fill={MARKER_COLORS[m.kind]}>
              {m.kind}
            </text>
          </g>
        ))}
        {props.series.map((s) =>
          segments(s.points).map((run) => (
            <g>
              {run.length > 1 ? (
                <polyline fill="none" stroke={s.color} stroke-width="1.8" points={run.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')} />
              ) : null}
              {run.map((p) => (
                <circle cx={x(p.t).toFixed(1)} cy={y(p.v).toFixed(1)} r={run.length > 1 ? 2.2 : 3} fill={s.color}>
                  <title>{`${clockLabel(p.t, 0)} · ${s.label}: ${formatValue(p.v)}${unit}`}</title>
                </circle>
              ))}
            </g>
          )),
        )}
      </svg>
    </figure>
  );
}

/** Links that reload the page over another period (15 min, 1 h, 24 h), keeping the current one marked. */
export function RangePicker(props: { current: string; base: string }) {
  return (
    <nav class="actions" aria-label="Time range">
      {Object.keys(RANGES).map((key) => (
        <a href={`${props.base}?range=${key}`} aria-current={key === props.current ? 'page' : undefined} class={key === props.current ? 'range current' : 'range'}>
          {RANGES[key]!.label}
        </a>
      ))}
    </nav>
  );
}

/** The periods a chart can show, with a bucket size giving about 60–90 points. */
export const RANGES: Record<string, { label: string; ms: number; bucketMs: number }> = {
  '15m': { label: '15 min', ms: 15 * 60_000, bucketMs: 15_000 },
  '1h': { label: '1 h', ms: 3600_000, bucketMs: 60_000 },
  '24h': { label: '24 h', ms: 24 * 3600_000, bucketMs: 20 * 60_000 },
};

export const rangeOf = (query: string | undefined) => (query && Object.hasOwn(RANGES, query) ? query : '15m');
