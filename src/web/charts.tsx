/** A progress bar with its figures in text (the bar alone says nothing to a screen reader). */
export function ProgressBar(props: { done: number; failed?: number; total: number }) {
  const total = Math.max(1, props.total);
  const done = (props.done / total) * 100;
  const failed = ((props.failed ?? 0) / total) * 100;
  return (
    <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={props.done}>
      <div class="bar done" style={`width:${done.toFixed(1)}%`} />
      <div class="bar failed" style={`width:${failed.toFixed(1)}%`} />
      <span>
        {props.done.toLocaleString('en')} / {props.total.toLocaleString('en')}
        {props.failed ? ` (${props.failed} failed)` : ''}
      </span>
    </div>
  );
}

/** Horizontal intervals around zero (e.g. uplift vs control per arm); a row crossing zero is not significant. */
export function IntervalPlot(props: { title: string; rows: { label: string; estimate: number; lower: number; upper: number }[]; format: (v: number) => string }) {
  if (props.rows.length === 0) return <p class="muted">No variant to compare yet.</p>;
  const rowH = 26;
  const left = 90;
  const width = 520;
  const height = props.rows.length * rowH + 24;
  const extent = Math.max(1e-9, ...props.rows.flatMap((r) => [Math.abs(r.lower), Math.abs(r.upper)])) * 1.1;
  const x = (v: number) => left + ((v + extent) / (2 * extent)) * (width - left - 10);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
        <line x1={x(0)} y1={4} x2={x(0)} y2={height - 18} stroke="#9aa3b2" stroke-dasharray="3 3" />
        <text x={x(0)} y={height - 4} text-anchor="middle" font-size="10">
          0
        </text>
        <text x={x(-extent / 1.1)} y={height - 4} text-anchor="middle" font-size="10">
          {props.format(-extent / 1.1)}
        </text>
        <text x={x(extent / 1.1)} y={height - 4} text-anchor="middle" font-size="10">
          {props.format(extent / 1.1)}
        </text>
        {props.rows.map((r, i) => {
          const y = 14 + i * rowH;
          const color = r.lower > 0 ? '#137333' : r.upper < 0 ? '#b00020' : '#5b6475';
          return (
            <g>
              <text x={left - 6} y={y + 4} text-anchor="end" font-size="11">
                {r.label}
              </text>
              <line x1={x(r.lower)} y1={y} x2={x(r.upper)} y2={y} stroke={color} stroke-width="3" />
              <circle cx={x(r.estimate)} cy={y} r="4" fill={color} />
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
