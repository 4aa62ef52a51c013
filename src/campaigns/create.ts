import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { audienceSize, audienceSummarySql, unknownListedUsers } from './audience.js';
import { campaignContentHash } from './content-hash.js';
import type { CampaignInput } from './input.js';
import { getCampaign } from './store.js';

export class CampaignInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** Creates a draft campaign; the audience must select at least one known user. */
export async function createCampaign(deps: Deps, input: CampaignInput, by: string, traceId: string) {
  const unknown = await unknownListedUsers(deps.db, input.audience);
  if (unknown.length > 0) {
    throw new CampaignInputError(`unknown users in the audience: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`, 'audience.userIds');
  }
  const size = await audienceSize(deps.db, input.audience);
  if (size === 0) throw new CampaignInputError('the audience is empty: no user matches its filters', 'audience');
  const now = deps.clock.now();
  const id = randomUUID();
  const { secret, ...channel } = input.channel;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('campaigns')
      .values({
        id,
        name: input.name,
        status: 'draft',
        audience: JSON.stringify(input.audience),
        content_hash: campaignContentHash({ template: input.template, audience: input.audience, channel, start_at: input.startAt ?? null }),
        template: input.template,
        reward: JSON.stringify(input.reward),
        channel: JSON.stringify(channel),
        channel_secret: secret,
        start_at: input.startAt ? new Date(input.startAt) : null,
        max_attempts: input.maxAttempts,
        audience_size: size,
        trace_id: traceId,
        created_by: by,
        created_at: now,
        updated_at: now,
      })
      .execute();
    // The summary the API shows, by the statement that gives rows written before 0016h theirs: one way to make it.
    await trx.updateTable('campaigns').set({ audience_summary: sql<string>`${audienceSummarySql}` }).where('id', '=', id).execute();
    await appendAudit(trx, { traceId, actor: by, channel: 'api', action: 'campaign.created', subjectType: 'campaign', subjectId: id, data: { name: input.name, audienceSize: size }, at: now });
  });
  return (await getCampaign(deps.db, id))!;
}
