import type { campaignView } from '../../campaigns/progress.js';
import type { CampaignPlanView } from '../../growth/plan-campaign.js';
import type { ControlDecision } from '../../ops/controller/controller-policy.js';
import type { CampaignCard } from './campaign-cards.js';
import { ProgressBar } from '../charts.js';
import { duration, traceHref, when } from '../format.js';
import { LineChart, type Marker, RangePicker, type Series } from '../line-chart.js';
import { controlReasonLabel } from '../reason-labels.js';

type View = ReturnType<typeof campaignView>;

export function CampaignListLive(props: { campaigns: CampaignCard[]; canCreate: boolean }) {
  if (props.campaigns.length === 0) {
    return (
      <section class="card empty" data-testid="empty-campaigns">
        <h2>No campaigns yet</h2>
        <p>A campaign sends a message (and a reward) to an audience through your delivery endpoint, at the rate the downstream can take.</p>
        {props.canCreate ? (
          <p>
            <a class="button" href="/dashboard/campaigns/new">
              Create the first campaign
            </a>
          </p>
        ) : (
          <p class="muted">An operator can create one.</p>
        )}
      </section>
    );
  }
  return (
    <div class="scroll">
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
              <td>{duration(c.progress.etaSec)}</td>
              <td>{when(c.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface CampaignDetail {
  campaign: View;
  progress: CampaignCard['progress'];
  limits: { concurrency?: number; ratePerSec?: number; batchSize?: number; paused?: boolean };
  /** The controller's last decision for this campaign, when the Ops agent has stepped it. */
  control: ControlDecision | null;
  cap: { concurrency?: number; ratePerSec?: number; batchSize?: number };
  charts: { rate: Series[]; latency: Series[]; markers: Marker[]; range: { from: number; to: number; key: string } };
  events: { at: string; action: string; actor: string; traceId: string; data: Record<string, unknown> }[];
  plan: CampaignPlanView | null;
  experiment: { id: string; key: string; arms: number } | null;
  canControl: boolean;
  csrf: string;
}

const CONTROLS: Record<string, string[]> = {
  running: ['pause', 'cancel'],
  scheduled: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  draft: ['launch', 'cancel'],
  pending_approval: ['cancel'],
};

/** What limits the campaign now, in one sentence. */
function controllerWords(p: CampaignDetail): string {
  const { limits, control, cap } = p;
  if (p.campaign.status !== 'running') return '';
  const inFlight = limits.concurrency === undefined ? 'no limit on requests in flight' : `${limits.concurrency} request${limits.concurrency === 1 ? '' : 's'} in flight`;
  const rate = limits.ratePerSec === undefined ? 'no rate cap' : `at most ${limits.ratePerSec.toFixed(1)} requests/s`;
  const why = control ? ` — ${controlReasonLabel(control.reason)}` : ' — the start limit, until the Ops controller takes its first step';
  const capped = [cap.concurrency !== undefined ? `${cap.concurrency} in flight` : '', cap.ratePerSec !== undefined ? `${cap.ratePerSec}/s` : ''].filter(Boolean).join(', ');
  return `The controller allows ${inFlight} and ${rate}${why}.${capped ? ` An operator capped it at ${capped}.` : ''}`;
}

export function CampaignDetailLive(props: CampaignDetail) {
  const { campaign, progress } = props;
  const base = `/dashboard/campaigns/${campaign.id}`;
  return (
    <>
      <section class="card">
        <p>
          Status: <strong data-testid="campaign-status">{campaign.status}</strong>
          {campaign.statusReason ? <span class="muted"> — {campaign.statusReason}</span> : null}
        </p>
        <ProgressBar done={progress.delivered} failed={progress.failed} total={progress.total} />
        <p data-testid="rate">
          {progress.ratePerSec.toFixed(1)}/s over the last {duration(progress.rateOverSec)} · {progress.remaining.toLocaleString('en')} remaining · ETA{' '}
          <span data-testid="eta">{duration(progress.etaSec)}</span>
        </p>
        {controllerWords(props) ? (
          <p class="muted" data-testid="controller">
            {controllerWords(props)}
            {props.control ? <span title={props.control.detail}> ({props.control.detail})</span> : null}
          </p>
        ) : null}
        {props.canControl ? (
          <div class="actions">
            {(CONTROLS[campaign.status] ?? []).map((verb) => (
              <form method="post" action={`${base}/${verb}`}>
                <input type="hidden" name="csrf" value={props.csrf} />
                <button type="submit" class={verb === 'cancel' ? 'secondary' : undefined} data-action={verb}>
                  {verb[0]!.toUpperCase() + verb.slice(1)}
                </button>
              </form>
            ))}
            {campaign.status === 'draft' && !props.experiment ? (
              <a class="button secondary" href={`${base}/experiment/new`}>
                New experiment
              </a>
            ) : null}
          </div>
        ) : null}
        {props.experiment ? (
          <p>
            Experiment <strong>{props.experiment.key}</strong> with {props.experiment.arms} arms · <a href="/dashboard/growth">results on the Growth page</a>
          </p>
        ) : null}
        {campaign.approvalId ? (
          <p>
            Launch approval: <a href={`/dashboard/approvals/${campaign.approvalId}`}>{campaign.approvalId.slice(0, 8)}</a>
          </p>
        ) : null}
      </section>
      {props.plan ? <PlanCard plan={props.plan} /> : null}
      <RangePicker current={props.charts.range.key} base={base} />
      <section class="grid wide">
        <LineChart title="Send rate" unit="/s" series={props.charts.rate} markers={props.charts.markers} range={props.charts.range} />
        <LineChart title="Latency" unit="ms" series={props.charts.latency} markers={props.charts.markers} range={props.charts.range} />
      </section>
      <section class="card">
        <h2>Events</h2>
        {props.events.length === 0 ? <p class="muted">Nothing recorded yet.</p> : null}
        <div class="scroll">
          <table>
            <tbody>
              {props.events.map((e) => (
                <tr>
                  <td>{when(e.at)}</td>
                  <td>{e.action}</td>
                  <td>{e.actor}</td>
                  <td class="muted">{typeof e.data.reason === 'string' ? e.data.reason : ''}</td>
                  <td>
                    <a href={traceHref(e.traceId)}>trace</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/** The send plan a launch would follow now: the campaign's audience within the Ops agent's capacity estimate. */
export function PlanCard(props: { plan: CampaignPlanView }) {
  const { plan, capacity, audienceSize, campaignShare } = props.plan;
  return (
    <section class="card" data-testid="plan">
      <h2>Send plan within capacity</h2>
      <p>
        {audienceSize.toLocaleString('en')} recipients at <strong>{plan.sendRatePerSec.toFixed(1)}/s</strong> in batches of {plan.batchSize}
        {plan.waves.length > 1 ? `, in ${plan.waves.length} waves` : ''} · done in about {duration(plan.etaSec)}
        {plan.delayedUntil ? ` · no capacity now: re-planned at ${when(plan.delayedUntil)}` : ''}
      </p>
      <p class="muted">
        {capacity.source === 'snapshot' ? 'Measured' : 'Estimated'} capacity of the downstream {capacity.capacityPerSec.toFixed(1)}/s (
        {capacity.source === 'snapshot' ? `measured ${when(capacity.measuredAt)}` : 'no measurement yet: the configured fallback'}), {Math.round(capacity.headroom * 100)}% kept
        free, campaigns use at most {Math.round(campaignShare * 100)}%, {capacity.currentLoadPerSec.toFixed(1)}/s already sent to it. {plan.reason}
      </p>
    </section>
  );
}

export function CampaignFacts(props: { campaign: View }) {
  const c = props.campaign;
  return (
    <section class="card">
      <p>
        Audience {c.audienceSize ?? '–'} · channel {c.channel.url} ({c.channel.mode}) · reward {c.reward.amount} {c.reward.mechanism} · trace{' '}
        <a href={traceHref(c.traceId)} data-testid="trace-link">
          <code>{c.traceId}</code>
        </a>
      </p>
      <pre class="payload">{c.template}</pre>
    </section>
  );
}
