/** One variant's lift on one day: the estimate and its interval (null where none existed). */
export interface DailyLift {
  day: string;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

const W = 520;
const H = 160;
const PAD = { left: 52, right: 8, top: 10, bottom: 22 };
const COLORS = ['#5b8def', '#e8710a', '#137333', '#a142f4', '#b00020'];

/**
 * The result over time: each variant's lift per day as a line with its
 * interval as a band, around a dashed zero line. Days without an interval
 * (not enough data) leave a gap instead of a made-up point.
 */
export function LiftOverTime(props: { title: string; series: { label: string; points: DailyLift[] }[]; format: (v: number) => string }) {
  const finite = (p: DailyLift): p is { day: string; estimate: number; lower: number; upper: number } => p.estimate !== null && p.lower !== null && p.upper !== null && Number.isFinite(p.lower) && Number.isFinite(p.upper);
  const days = [...new Set(props.series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const known = props.series.flatMap((s) => s.points.filter(finite));
  if (known.length === 0) {
    return (
      <figure class="chart">
        <figcaption>{props.title}</figcaption>
        <p class="muted">Not enough data yet.</p>
      </figure>
    );
  }
  const extent = Math.max(1e-9, ...known.flatMap((p) => [Math.abs(p.lower), Math.abs(p.upper)])) * 1.1;
  const x = (day: string) => PAD.left + (days.length === 1 ? 0.5 : days.indexOf(day) / (days.length - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + ((extent - v) / (2 * extent)) * (H - PAD.top - PAD.bottom);
  return (
    <figure class="chart" data-testid="lift-over-time">
      <figcaption>
        {props.title}{' '}
        {props.series.map((s, i) => (
          <span class="legend" style={`color:${COLORS[i % COLORS.length]}`}>
            ■ {s.label}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <line x1={PAD.left} y1={y(0)} x2={W - PAD.right} y2={y(0)} stroke="#9aa3b2" stroke-dasharray="3 3" />
        <text x={PAD.left - 4} y={PAD.top + 8} text-anchor="end" font-size="10">
          {props.format(extent / 1.1)}
        </text>
        <text x={PAD.left - 4} y={y(0) + 3} text-anchor="end" font-size="10">
          0
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} text-anchor="end" font-size="10">
          {props.format(-extent / 1.1)}
        </text>
        <text x={PAD.left} y={H - 4} font-size="10">
          {days[0]}
        </text>
        <text x={W - PAD.right} y={H - 4} text-anchor="end" font-size="10">
          {days[days.length - 1]}
        </text>
        {props.series.map((s, i) => {
          const color = COLORS[i % COLORS.length];
          const points = s.points.filter(finite);
          const band = [...points.map((p) => `${x(p.day).toFixed(1)},${y(p.upper).toFixed(1)}`), ...[...points].reverse().map((p) => `${x(p.day).toFixed(1)},${y(p.lower).toFixed(1)}`)].join(' ');
          return (
            <g data-series={s.label}>
              {points.length > 1 ? <polygon points={band} fill={color} fill-opacity="0.15" /> : null}
              {points.map((p) => (
                <line x1={x(p.day)} y1={y(p.lower)} x2={x(p.day)} y2={y(p.upper)} stroke={color} stroke-opacity="0.6" />
              ))}
              <polyline fill="none" stroke={color} stroke-width="1.6" points={points.map((p) => `${x(p.day).toFixed(1)},${y(p.estimate).toFixed(1)}`).join(' ')} />
              {points.map((p) => (
                <circle cx={x(p.day)} cy={y(p.estimate)} r="2.5" fill={color} />
              ))}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
