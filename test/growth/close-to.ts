import assert from 'node:assert/strict';

/** Asserts |actual − expected| ≤ tolerance, naming both numbers on failure. */
export function assertClose(actual: number, expected: number, tolerance: number, what = 'value'): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

/** Asserts a relative error of at most `relative`. */
export function assertRelClose(actual: number, expected: number, relative: number, what = 'value'): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: expected ${expected} (rel ± ${relative}), got ${actual}`);
}
