/** Thousands separators on the integer part, fraction as is: 12000.5 → `12,000.5`. */
export function formatNumber(value: number): string {
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A number rounded for people: whole above 1,000, two decimals above 1, two significant digits below. */
export function roundForPeople(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const rounded = abs >= 1000 ? Math.round(value) : abs >= 1 ? Math.round(value * 100) / 100 : Number(value.toPrecision(2));
  return formatNumber(rounded);
}

/** A fraction as a percentage: 0.8734 → `87%`, 0.0123 → `1.2%`. */
export function percent(fraction: number): string {
  const p = fraction * 100;
  return `${Math.abs(p) >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`;
}

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : value < 0 ? `−${text.replace(/^-/, '')}` : text);

/** An absolute difference of rates in percentage points: 0.0123 → `+1.2 pts`. */
export function points(delta: number): string {
  const p = Math.round(delta * 1000) / 10;
  return `${signed(String(p), p)} pts`;
}

/** A relative change: 20 → `+20%`. */
export function signedPercent(value: number): string {
  if (!Number.isFinite(value)) return 'from zero';
  const p = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${signed(String(p), p)}%`;
}

/** A duration in words: `45 s`, `2 min`, `1.5 h`, `3 days`. */
export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
