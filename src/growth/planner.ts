export interface CampaignPlanInput {
  /** Recipients to send to. */
  audienceSize: number;
  /** Ops' current estimate of the sends per second the whole system sustains. */
  capacityPerSec: number;
  /** Fraction of capacity always kept free for spikes, in [0, 1). */
  headroom: number;
  /** Largest fraction of capacity campaigns may use, in [0, 1]. */
  campaignShare: number;
  /** Largest batch one job may enqueue. */
  maxBatch: number;
  /** Longest one wave may keep sending; a longer campaign is split into waves. @defaultValue no limit */
  maxDurationSec?: number;
  /** Sends per second other traffic already uses (it eats into the headroom-adjusted capacity first). @defaultValue 0 */
  currentLoadPerSec?: number;
  /** Pause between waves so queued non-campaign traffic drains. @defaultValue maxDurationSec (sending at most half the time) */
  waveGapSec?: number;
  /** Below this campaign budget (sends/s) the campaign is delayed rather than trickled out. @defaultValue 1 */
  minRatePerSec?: number;
  /** How long a delayed campaign waits before it is planned again with a fresh capacity estimate. @defaultValue 900 */
  retryAfterSec?: number;
  now: Date | number | string;
}

export interface Wave {
  index: number;
  size: number;
  /** ISO-8601 start time. */
  startAt: string;
  durationSec: number;
}

export interface CampaignPlan {
  /** Recipients per enqueued batch. */
  batchSize: number;
  /** Time between batches, so batches arrive at sendRatePerSec. */
  batchIntervalMs: number;
  waves: Wave[];
  /** Campaign send rate, within its capacity budget. 0 when delayed. */
  sendRatePerSec: number;
  /** Seconds from `now` until the last wave finishes; null when delayed. */
  etaSec: number | null;
  split: boolean;
  /** ISO-8601 time to re-plan, when there is no capacity budget now. */
  delayedUntil?: string;
  reason: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function validate(input: CampaignPlanInput): void {
  const { audienceSize, capacityPerSec, headroom, campaignShare, maxBatch, maxDurationSec } = input;
  if (!(Number.isInteger(audienceSize) && audienceSize >= 0)) throw new RangeError('audienceSize must be a non-negative integer');
  if (!(capacityPerSec >= 0)) throw new RangeError('capacityPerSec must be ≥ 0');
  if (!(headroom >= 0 && headroom < 1)) throw new RangeError('headroom must be in [0, 1)');
  if (!(campaignShare >= 0 && campaignShare <= 1)) throw new RangeError('campaignShare must be in [0, 1]');
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new RangeError('maxBatch must be a positive integer');
  if (maxDurationSec !== undefined && !(maxDurationSec > 0)) throw new RangeError('maxDurationSec must be > 0');
}

/**
 * Campaign send plan within the capacity budget
 * min(capacity·(1 − headroom) − currentLoad, capacity·campaignShare), rounded
 * down to whole sends per second. A campaign that would need longer than
 * `maxDurationSec` is split into waves of at most that length, separated by
 * `waveGapSec`; one with (almost) no budget now is delayed by `retryAfterSec`.
 */
export function planCampaign(input: CampaignPlanInput): CampaignPlan {
  validate(input);
  const { audienceSize, capacityPerSec, headroom, campaignShare, maxBatch, maxDurationSec } = input;
  const load = input.currentLoadPerSec ?? 0;
  const nowMs = new Date(input.now).getTime();
  const free = capacityPerSec * (1 - headroom) - load;
  const cap = capacityPerSec * campaignShare;
  const budget = Math.max(0, Math.min(free, cap));
  const budgetWhy = `campaign budget ${budget.toFixed(1)}/s = min(${capacityPerSec}/s × (1 − ${headroom} headroom) − ${load}/s load, ${capacityPerSec}/s × ${campaignShare} campaign share)`;

  if (audienceSize === 0) {
    return { batchSize: 0, batchIntervalMs: 0, waves: [], sendRatePerSec: 0, etaSec: 0, split: false, reason: 'empty audience: nothing to send' };
  }
  if (budget < (input.minRatePerSec ?? 1)) {
    const retry = input.retryAfterSec ?? 900;
    return {
      batchSize: 0, batchIntervalMs: 0, waves: [], sendRatePerSec: 0, etaSec: null, split: false,
      delayedUntil: iso(nowMs + retry * 1000),
      reason: `delayed ${retry}s: ${budgetWhy} is below the minimum ${input.minRatePerSec ?? 1}/s; re-plan with a fresh capacity estimate then`,
    };
  }

  const rate = Math.floor(budget);
  const batchSize = Math.min(maxBatch, rate, audienceSize);
  const perWave = maxDurationSec === undefined ? audienceSize : Math.max(1, Math.floor(rate * maxDurationSec));
  const count = Math.ceil(audienceSize / perWave);
  const gapSec = count > 1 ? (input.waveGapSec ?? maxDurationSec ?? 0) : 0;
  const waves: Wave[] = [];
  let startMs = nowMs;
  for (let index = 0; index < count; index += 1) {
    // balanced sizes: the first (audience mod count) waves take one extra recipient
    const size = Math.floor(audienceSize / count) + (index < audienceSize % count ? 1 : 0);
    const durationSec = Math.ceil(size / rate);
    waves.push({ index, size, startAt: iso(startMs), durationSec });
    startMs += (durationSec + gapSec) * 1000;
  }
  const etaSec = (startMs - nowMs) / 1000 - gapSec;
  const single = Math.ceil(audienceSize / rate);
  const reason =
    count > 1
      ? `split into ${count} waves: ${audienceSize} recipients need ${single}s at ${rate}/s (${budgetWhy}), longer than maxDurationSec ${maxDurationSec}s; waves of ≤ ${perWave} with ${gapSec}s gaps`
      : `fits in one wave: ${audienceSize} recipients in ${single}s at ${rate}/s (${budgetWhy})`;
  return { batchSize, batchIntervalMs: Math.ceil((batchSize / rate) * 1000), waves, sendRatePerSec: rate, etaSec, split: count > 1, reason };
}
