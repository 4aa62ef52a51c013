import type { CampaignStatus } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type CampaignProgress, campaignsProgress } from '../../campaigns/progress.js';
import { listCampaigns } from '../../campaigns/store.js';

export interface CampaignCard {
  id: string;
  name: string;
  status: CampaignStatus;
  statusReason: string | null;
  createdAt: string;
  progress: CampaignProgress;
}

/** Campaigns with their delivery progress, newest first. */
export async function campaignCards(deps: Deps, filter: { status?: CampaignStatus[]; limit: number }): Promise<CampaignCard[]> {
  const rows = await listCampaigns(deps.db, { ...filter, offset: 0 });
  const progress = await campaignsProgress(deps.db, rows, deps.clock.now());
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: new Date(row.created_at).toISOString(),
    progress: progress.get(row.id)!,
  }));
}
