/** The actions agents propose and the policy rules on. */
export const ACTION_KINDS = ['campaign.launch', 'reward.adjust', 'beta.invite', 'campaign.resume', 'scaling.apply', 'traffic.shift', 'arm.stop'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Who may propose: the three agents, `operator` for people proposing through the API or CLI, and `agent` for outside systems (agent tokens). */
export const AGENTS = ['ops', 'growth', 'pm', 'operator', 'agent'] as const;
export type Agent = (typeof AGENTS)[number];

export function isActionKind(kind: string): kind is ActionKind {
  return (ACTION_KINDS as readonly string[]).includes(kind);
}
