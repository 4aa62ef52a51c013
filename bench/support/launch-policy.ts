/**
 * A policy that lets a launch of `users` recipients apply at once (no approval), so a bench measures the
 * launch path's own work, not a person's decision.
 */
export function launchAtOncePolicy(users: number) {
  return {
    kinds: {
      'campaign.launch': {
        guardrails: [
          { param: 'audienceSize', label: 'Audience', max: Math.max(10_000, users), hardMin: 1, hardMax: Math.max(1_000_000, users) },
          { param: 'budget', label: 'Budget', max: 1_000, hardMin: 0, hardMax: 50_000 },
        ],
      },
    },
  };
}
