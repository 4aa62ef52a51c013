import type { Sample } from '../campaign-runtime/samples.js';
import type { CampaignRow } from '../campaigns/store.js';
import type { DownstreamClient } from '../downstream/client.js';

/**
 * While a campaign is auto-paused nothing is sent, so nothing shows whether the
 * downstream has recovered. The Ops agent sends a few signed probe requests
 * (`{ "probe": true }`, header `x-flywheel-probe: 1`, no recipient) per window;
 * receivers must acknowledge and ignore them.
 */
export async function probeDownstream(client: DownstreamClient, campaign: CampaignRow, count: number, now: () => number): Promise<Sample[]> {
  const channel = { ...campaign.channel, headers: { ...campaign.channel.headers, 'x-flywheel-probe': '1' } };
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.request(channel, campaign.channel_secret, { campaignId: campaign.id, idempotencyKey: `probe:${campaign.id}:${now()}:${i}`, body: { probe: true, campaignId: campaign.id } }),
    ),
  );
  return results.map((r) => ({ at: now(), latencyMs: r.latencyMs, ok: r.ok, ...(r.status === null ? {} : { status: r.status }) }));
}
