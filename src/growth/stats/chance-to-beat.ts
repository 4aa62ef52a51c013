import { logBeta } from './log-gamma.js';

/** Parameters of a Beta posterior. */
export interface BetaPosterior {
  alpha: number;
  beta: number;
}

/** Beta(1 + conversions, 1 + exposures − conversions): the posterior under a uniform prior. */
export function betaPosterior(conversions: number, exposures: number): BetaPosterior {
  return { alpha: 1 + conversions, beta: 1 + exposures - conversions };
}

// Evan Miller's closed form ("Formulas for Bayesian A/B Testing", 2015):
// P(pB > pA) = Σ_{i=0}^{αB−1} t_i, t_i = B(αA+i, βA+βB) / ((βB+i)·B(1+i, βB)·B(αA, βA)),
// valid for integer αB. Consecutive terms have the ratio
// r_i = t_{i+1}/t_i = (αA+i)(βB+i) / ((αA+βA+βB+i)(1+i)), which falls with i, so the
// terms rise to one peak, at i* = ⌈(αA·βB − αA − βA − βB)/(βA + 1)⌉ (where r = 1),
// and fall away on both sides. The sum starts there and walks outwards until the
// terms no longer change it in double precision: O(√αB) steps instead of O(αB),
// so 10⁷ conversions take well under a millisecond.
function logTerm(a: BetaPosterior, b: BetaPosterior, i: number): number {
  return logBeta(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - logBeta(1 + i, b.beta) - logBeta(a.alpha, a.beta);
}

function probabilityGreaterIntegerAlpha(a: BetaPosterior, b: BetaPosterior): number {
  const last = b.alpha - 1;
  const ratio = (i: number) => ((a.alpha + i) * (b.beta + i)) / ((a.alpha + a.beta + b.beta + i) * (1 + i));
  const peak = Math.min(last, Math.max(0, Math.ceil((a.alpha * b.beta - a.alpha - a.beta - b.beta) / (a.beta + 1))));
  let sum = 1; // in units of t_peak
  let term = 1;
  for (let i = peak; i < last; i += 1) {
    term *= ratio(i);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  term = 1;
  for (let i = peak - 1; i >= 0; i -= 1) {
    term /= ratio(i);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return Math.min(1, Math.max(0, Math.exp(logTerm(a, b, peak) + Math.log(sum))));
}

/**
 * P(pB > pA) for independent pA ~ Beta(a), pB ~ Beta(b) with integer alphas,
 * exactly by Evan Miller's closed form. The sum runs over whichever alpha is
 * smaller (using P(pB > pA) = 1 − P(pA > pB)), so the cost is O(min(conversions)).
 */
export function probabilityBBeatsA(a: BetaPosterior, b: BetaPosterior): number {
  if (!Number.isInteger(a.alpha) || !Number.isInteger(b.alpha)) {
    throw new RangeError('probabilityBBeatsA needs integer alpha parameters (1 + conversions)');
  }
  return b.alpha <= a.alpha ? probabilityGreaterIntegerAlpha(a, b) : 1 - probabilityGreaterIntegerAlpha(b, a);
}

/**
 * Chance that the variant's true rate beats the control's, with uniform priors:
 * posteriors Beta(1 + conversions, 1 + non-conversions).
 */
export function chanceToBeatControl(
  control: { exposures: number; conversions: number },
  variant: { exposures: number; conversions: number },
): number {
  return probabilityBBeatsA(betaPosterior(control.conversions, control.exposures), betaPosterior(variant.conversions, variant.exposures));
}

/**
 * Expected loss of shipping the variant: E[max(pControl − pVariant, 0)] under
 * the posteriors, in absolute conversion-rate units. Exact, from
 * E[pA·1{pA>pB}] = E[pA]·P(Beta(αA+1, βA) > pB) and the same for pB
 * (Chris Stucchio, "Easy evaluation of decision rules in Bayesian A/B testing", 2014).
 */
export function expectedLoss(
  control: { exposures: number; conversions: number },
  variant: { exposures: number; conversions: number },
): number {
  const a = betaPosterior(control.conversions, control.exposures);
  const b = betaPosterior(variant.conversions, variant.exposures);
  const meanA = a.alpha / (a.alpha + a.beta);
  const meanB = b.alpha / (b.alpha + b.beta);
  const aAboveB = 1 - probabilityBBeatsA({ alpha: a.alpha + 1, beta: a.beta }, b);
  const aAboveShiftedB = 1 - probabilityBBeatsA(a, { alpha: b.alpha + 1, beta: b.beta });
  return Math.max(0, meanA * aAboveB - meanB * aAboveShiftedB);
}
