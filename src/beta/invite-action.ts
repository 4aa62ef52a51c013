import { z } from 'zod';
import type { ActionHandler } from '../actions/registry.js';
import { sendInvitations } from './invitations.js';

const params = z.object({ tenantIds: z.array(z.string().min(1)).min(1) });

/**
 * `beta.invite`: the policy's guardrail is the batch size (`tenantIds`'s
 * length); applying it sends the invitations through the campaign pipeline.
 */
export const betaInviteAction: ActionHandler = {
  kind: 'beta.invite',
  async apply(deps, payload, context) {
    return sendInvitations(deps, params.parse(payload).tenantIds, context);
  },
};
