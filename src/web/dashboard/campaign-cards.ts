import type { CampaignStatus } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { campaignProgress } from '../../campaigns/progress.js';
import { listCampaigns } from '../../campaigns/store.js';

export interface CampaignCard {
  id: string;
  name: string;
  status: CampaignStatus;
  statusReason: string | null;
  createdAt: string;
  progress: Awaited<ReturnType<typeof campaignProgress>>;
}

/** Campaigns with their delivery progress, newest first. */
export async function campaignCards(deps: Deps, filter: { status?: CampaignStatus[]; limit: number }): Promise<CampaignCard[]> {
  const rows = await listCampaigns(deps.db, { ...filter, offset: 0 });
  const now = deps.clock.now();
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      name: row.name,
      status: row.status,
      statusReason: row.status_reason,
      createdAt: new Date(row.created_at).toISOString(),
      progress: await campaignProgress(deps.db, row.id, now, row),
    })),
  );
}
