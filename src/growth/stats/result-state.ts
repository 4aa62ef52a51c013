/**
 * Named states for figures that cannot be computed from the data at hand, so a
 * degenerate input never shows as a zero-width interval, p = 0 or "no mismatch".
 * "not enough data": the input is valid but says nothing yet (an arm with no users,
 * no variance, a control mean of 0 for a relative lift). "invalid input": the
 * numbers cannot come from real data (negative or NaN counts, conversions >
 * exposures, negative variance); `field` names the offending one.
 */
export type NotEnoughData = { state: 'not enough data'; reason: string };
export type InvalidInput = { state: 'invalid input'; field: string; reason: string };
export type Degenerate = NotEnoughData | InvalidInput;

/** A figure, or the named reason it does not exist. */
export type Stated<T> = ({ state: 'ok' } & T) | Degenerate;

export const notEnoughData = (reason: string): NotEnoughData => ({ state: 'not enough data', reason });
export const invalidInput = (field: string, reason: string): InvalidInput => ({ state: 'invalid input', field, reason });

/** "not enough data: no users in control" / "invalid input: control.conversions: more conversions than exposures". */
export function describeState(d: Degenerate): string {
  return d.state === 'invalid input' ? `invalid input: ${d.field}: ${d.reason}` : `not enough data: ${d.reason}`;
}

export function isDegenerate<T>(x: Stated<T>): x is Degenerate {
  return x.state !== 'ok';
}
