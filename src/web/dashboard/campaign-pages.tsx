import type { campaignView } from '../../campaigns/progress.js';
import type { CampaignCard } from './campaign-cards.js';
import { LineChart, ProgressBar, type Series } from '../charts.js';
import { when } from '../format.js';

type View = ReturnType<typeof campaignView>;

export function CampaignListLive(props: { campaigns: CampaignCard[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>campaign</th>
          <th>status</th>
          <th>progress</th>
          <th>rate</th>
          <th>ETA</th>
          <th>created</th>
        </tr>
      </thead>
      <tbody>
        {props.campaigns.map((c) => (
          <tr data-campaign={c.id}>
            <td>
              <a href={`/dashboard/campaigns/${c.id}`}>{c.name}</a>
            </td>
            <td>
              {c.status}
              {c.statusReason ? <div class="muted">{c.statusReason}</div> : null}
            </td>
            <td>
              <ProgressBar done={c.progress.delivered} failed={c.progress.failed} total={c.progress.total} />
            </td>
            <td>{c.progress.ratePerSec.toFixed(1)}/s</td>
            <td>{c.progress.etaSec === null ? '–' : `${c.progress.etaSec}s`}</td>
            <td>{when(c.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface CampaignDetail {
  campaign: View;
  progress: CampaignCard['progress'];
  limits: { concurrency?: number; ratePerSec?: number; batchSize?: number; paused?: boolean };
  charts: { rate: Series[]; latency: Series[] };
  events: { at: string; action: string; actor: string; data: Record<string, unknown> }[];
  canControl: boolean;
  csrf: string;
}

const CONTROLS: Record<string, string[]> = {
  running: ['pause', 'cancel'],
  scheduled: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  draft: ['cancel'],
  pending_approval: ['cancel'],
};

export function CampaignDetailLive(props: CampaignDetail) {
  const { campaign, progress, limits } = props;
  return (
    <>
      <section class="card">
        <p>
          Status: <strong data-testid="campaign-status">{campaign.status}</strong>
          {campaign.statusReason ? <span class="muted"> — {campaign.statusReason}</span> : null}
        </p>
        <ProgressBar done={progress.delivered} failed={progress.failed} total={progress.total} />
        <p class="muted">
          {progress.ratePerSec.toFixed(1)}/s over the last minute · {progress.remaining} remaining · ETA {progress.etaSec === null ? '–' : `${progress.etaSec}s`} ·
          limits: {limits.concurrency ?? '–'} in flight, {limits.ratePerSec === undefined ? '–' : limits.ratePerSec.toFixed(1)}/s
        </p>
        {props.canControl ? (
          <div class="actions">
            {(CONTROLS[campaign.status] ?? []).map((verb) => (
              <form method="post" action={`/dashboard/campaigns/${campaign.id}/${verb}`}>
                <input type="hidden" name="csrf" value={props.csrf} />
                <button type="submit" class={verb === 'cancel' ? 'secondary' : undefined} data-action={verb}>
                  {verb[0]!.toUpperCase() + verb.slice(1)}
                </button>
              </form>
            ))}
          </div>
        ) : null}
      </section>
      <section class="grid">
        <LineChart title="Send rate" unit="/s" series={props.charts.rate} />
        <LineChart title="Latency" unit="ms" series={props.charts.latency} />
      </section>
      <section class="card">
        <h2>Events</h2>
        <table>
          <tbody>
            {props.events.map((e) => (
              <tr>
                <td>{when(e.at)}</td>
                <td>{e.action}</td>
                <td>{e.actor}</td>
                <td class="muted">{typeof e.data.reason === 'string' ? e.data.reason : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

export function CampaignFacts(props: { campaign: View }) {
  const c = props.campaign;
  return (
    <section class="card">
      <p>
        Audience {c.audienceSize ?? '–'} · channel {c.channel.url} ({c.channel.mode}) · reward {c.reward.amount} {c.reward.mechanism} · trace{' '}
        <code>{c.traceId}</code>
      </p>
      <pre class="payload">{c.template}</pre>
    </section>
  );
}
