import { plainNumbers } from './plain-words.js';
/** A step that failed or ran past its time budget; the demo exits non-zero with this message. */
export class DemoStepError extends Error {
  override name = 'DemoStepError';
}

export interface StepTiming {
  step: string;
  seconds: number;
}

/**
 * Progress lines on stdout, one per event, prefixed with the time since the
 * demo started; machine-readable lines (`KEY=value`, `SUMMARY {...}`) are
 * written bare so scripts can pick them out.
 */
export class Reporter {
  readonly startedAt = Date.now();
  readonly timings: StepTiming[] = [];
  private index = 0;

  constructor(
    private readonly totalSteps: number,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  private stamp(): string {
    return `[${((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(5)}s]`;
  }

  /** An indented detail line of the current step. */
  info(message: string): void {
    this.write(`${this.stamp()}    ${plainNumbers(message)}`);
  }

  /** A line for scripts: `NAME=value`. */
  machine(name: string, value: string): void {
    this.write(`${name}=${value}`);
  }

  summary(value: unknown): void {
    this.write(`SUMMARY ${JSON.stringify(value)}`);
  }

  plain(message: string): void {
    this.write(plainNumbers(message));
  }

  /**
   * Runs one step within `budgetMs` (null: no budget, e.g. while a person
   * decides); a step that throws or runs over fails the demo with its name.
   */
  async step<T>(title: string, budgetMs: number | null, work: () => Promise<T>): Promise<T> {
    this.index += 1;
    const started = Date.now();
    this.write(`${this.stamp()} ${this.index}/${this.totalSteps} ${title}`);
    let timer: NodeJS.Timeout | undefined;
    const overrun =
      budgetMs === null
        ? null
        : new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new DemoStepError(`step ${this.index} (${title}) exceeded its budget of ${Math.round(budgetMs / 1000)} s`)), budgetMs);
          });
    try {
      const running = work();
      // Past its budget the work is abandoned while the demo stops: its late failure is not news.
      running.catch(() => {});
      const result = await (overrun ? Promise.race([running, overrun]) : running);
      const seconds = (Date.now() - started) / 1000;
      this.timings.push({ step: title, seconds: Math.round(seconds * 10) / 10 });
      this.write(`${this.stamp()}    done in ${seconds.toFixed(1)} s`);
      return result;
    } catch (error) {
      if (error instanceof DemoStepError) throw error;
      throw new DemoStepError(`step ${this.index} (${title}) failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
