/**
 * The numbers the scenario runs on, in one place. Chosen so the whole loop fits
 * in about two minutes on a small machine: a few thousand recipients, a
 * downstream that takes a few hundred messages a second, and a true uplift the
 * Growth analysis finds at once.
 */
export const TUNING = {
  seed: 20_260_301,
  /** 12 tenants × this = the experiment campaign's audience. */
  usersPerTenant: 150,
  downstream: {
    /** Messages per second the simulated downstream takes at first. */
    capacity: 400,
    baseLatencyMs: 20,
    /**
     * A moderate drop to this share of the send rate just measured (the planned rate, or less on
     * a busy machine), at most `reducedCapacity`: the Ops controller backs off without a pause.
     */
    reducedShare: 0.8,
    reducedCapacity: 65,
    /**
     * A collapse: every answer takes this long, so the p95 threshold is crossed whatever limit the
     * controller holds by then (a capacity drop alone is no overload once the limit is down to 1).
     * Slow, not failing: failures would open the delivery circuit breaker and hold the sends,
     * and this scene shows the Ops agent pausing on latency.
     */
    collapsedLatencyMs: 1500,
  },
  /** Share of the experiment campaign delivered before the downstream's capacity changes. */
  adaptAtShare: 0.3,
  /** The longest the demo watches the controller settle on the reduced capacity. */
  adaptWatchMs: 6000,
  /** Settled: sending at most this multiple of the reduced capacity (the downstream queues a little). */
  adaptedRateMargin: 1.15,
  experiment: {
    control: { name: 'control', mechanism: 'points', amount: 10 },
    variant: { name: 'streak', mechanism: 'streak', amount: 10 },
    /** True conversion rates after the message: the streak reward works better. */
    rates: { control: 0.08, streak: 0.2 } as Record<string, number>,
    revenue: 20,
    minSamplePerArm: 400,
  },
} as const;
