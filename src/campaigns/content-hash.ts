import { payloadHash } from '../approvals/payload-hash.js';

/**
 * What a launch approval binds (with the budget and reward in its params): the message, the
 * audience, the channel and the start. None changes after creation, so it is computed then and
 * kept (campaigns.content_hash): a list audience is megabytes of JSON to read and hash again in
 * every launch request. Its value must never change for a given campaign: an approval pending
 * across a deploy compares it; and whatever comes to edit a campaign must write it again.
 */
export function campaignContentHash(c: { template: string; audience: unknown; channel: unknown; start_at: Date | string | null }): string {
  return payloadHash({ template: c.template, audience: c.audience, channel: c.channel, startAt: c.start_at ? new Date(c.start_at).toISOString() : null });
}
