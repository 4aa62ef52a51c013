/**
 * What an experiment's planned effect asks of its campaign: each arm needs
 * `perArm` recipients, so the arm with the smallest traffic share sets the
 * total; sending that many at the planned rate, then waiting the attribution
 * window for their conversions, is how long it takes to read the result.
 */
export function experimentNeeds(input: { perArm: number; weights: readonly number[]; audienceSize: number; sendRatePerSec: number; attributionWindowSec: number }) {
  const sum = input.weights.reduce((a, w) => a + w, 0);
  const smallest = Math.min(...input.weights.filter((w) => w > 0).map((w) => w / sum));
  const recipients = Math.ceil(input.perArm / smallest - 1e-9);
  const sendSec = input.sendRatePerSec > 0 ? Math.min(recipients, input.audienceSize) / input.sendRatePerSec : null;
  return {
    recipients,
    enoughAudience: input.audienceSize >= recipients,
    sendSec,
    durationSec: sendSec === null ? null : sendSec + input.attributionWindowSec,
  };
}
