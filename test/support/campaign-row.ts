import type { Insertable } from 'kysely';
import type { CampaignsTable } from '../../src/db/schema.js';

/**
 * A campaign row written directly (a test that needs given launch and status times, which the
 * launch path stamps with the clock): a single-mode campaign to an unreachable downstream; the
 * fields given replace the defaults.
 */
export function campaignRow(
  row: Pick<Insertable<CampaignsTable>, 'id' | 'name' | 'status' | 'audience_size' | 'created_at'> & Partial<Insertable<CampaignsTable>>,
): Insertable<CampaignsTable> {
  return {
    audience: JSON.stringify({ type: 'segment', filters: {} }),
    audience_summary: JSON.stringify({ type: 'segment', filters: {} }),
    template: 'Hi',
    reward: JSON.stringify({ mechanism: 'none', amount: 0 }),
    channel: JSON.stringify({ url: 'http://127.0.0.1:9/', headers: {}, mode: 'single', maxBatch: 100, timeoutMs: 5000 }),
    channel_secret: 'x'.repeat(16),
    max_attempts: 5,
    trace_id: `trace-${row.id}`,
    created_by: 'test',
    content_hash: `hash-${row.id}`,
    ...row,
  } as Insertable<CampaignsTable>;
}
