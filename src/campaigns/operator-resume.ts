import { type ProposalOutcome, propose } from '../approvals/propose.js';
import type { Deps } from '../deps.js';
import { resumeCampaign } from './control.js';
import type { CampaignRow } from './store.js';

export type OperatorResumeResult =
  | { kind: 'resumed'; resumed: boolean }
  | { kind: 'proposed'; outcome: ProposalOutcome }
  | { kind: 'not_paused'; reason: string };

/**
 * An operator's resume: a campaign the operator paused resumes now; one the Ops
 * agent paused for breaching thresholds resumes through the policy, because the
 * downstream may still be unhealthy.
 */
export async function operatorResume(deps: Deps, campaign: CampaignRow, requester: string, traceId: string): Promise<OperatorResumeResult> {
  if (campaign.status !== 'paused') return { kind: 'not_paused', reason: `campaign is ${campaign.status}` };
  if (campaign.status_reason?.startsWith('auto-pause')) {
    const outcome = await propose(deps, {
      kind: 'campaign.resume',
      proposer: 'operator',
      requester,
      params: { campaignId: campaign.id, pausedReason: campaign.status_reason },
      traceId,
      summary: `Resume "${campaign.name}" after: ${campaign.status_reason}`,
    });
    return { kind: 'proposed', outcome };
  }
  return { kind: 'resumed', resumed: await resumeCampaign(deps, campaign.id, requester, traceId) };
}
