/** Where progress goes: stderr, so stdout stays clean for --json and pipes. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A job's progress as a fraction in [0, 1], or null when it says nothing
 * measurable. Workers report a percentage (`job.updateProgress(40)`) or an
 * object with `percent`, or `done` and `total`.
 */
export function progressFraction(progress: unknown): number | null {
  const clamp = (n: number) => Math.min(1, Math.max(0, n));
  if (typeof progress === 'number' && Number.isFinite(progress)) return clamp(progress / 100);
  if (progress && typeof progress === 'object') {
    const p = progress as { percent?: unknown; done?: unknown; total?: unknown };
    if (typeof p.percent === 'number' && Number.isFinite(p.percent)) return clamp(p.percent / 100);
    if (typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0) return clamp(p.done / p.total);
  }
  return null;
}

/** `[########............]  40%  12s`; without a fraction, only the elapsed time. */
export function renderBar(fraction: number | null, elapsedMs: number, label = '', width = 24): string {
  const elapsed = `${Math.round(elapsedMs / 1000)}s`;
  const prefix = label ? `${label} ` : '';
  if (fraction === null) return `${prefix}working… ${elapsed}`;
  const filled = Math.round(fraction * width);
  return `${prefix}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${elapsed}`;
}

/**
 * Redraws one status line on a terminal once work has taken longer than
 * `afterMs` (short work shows nothing); writes nothing when the stream is not
 * a TTY, so logs and CI output stay free of carriage returns.
 */
export class ProgressLine {
  private readonly started: number;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
    private readonly afterMs = 1000,
  ) {
    this.started = now();
  }

  update(fraction: number | null, label = '') {
    if (!this.stream.isTTY) return;
    const elapsed = this.now() - this.started;
    if (elapsed < this.afterMs) return;
    // \x1b[2K clears the line, so a shorter redraw leaves no tail of the longer one.
    this.stream.write(`\r\x1b[2K${renderBar(fraction, elapsed, label)}`);
    this.drawn = true;
  }

  done() {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
