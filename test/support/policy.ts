/**
 * Config for tests whose experiment campaigns launch at once: a launch's budget counts
 * the dearest arm for every recipient, which the default 1,000 guardrail would send to approval.
 */
export const GENEROUS_LAUNCH_BUDGET = {
  policy: {
    kinds: {
      'campaign.launch': {
        guardrails: [
          { param: 'audienceSize', label: 'Audience', max: 10_000, hardMin: 1, hardMax: 1_000_000 },
          { param: 'budget', label: 'Budget', max: 100_000, hardMin: 0, hardMax: 200_000 },
        ],
      },
    },
  },
};
