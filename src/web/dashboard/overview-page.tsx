import type { ApprovalView } from '../../approvals/view.js';
import type { systemStatus } from '../../status/status.js';
import { ProgressBar } from '../charts.js';
import type { CampaignCard } from './campaign-cards.js';

type Status = Awaited<ReturnType<typeof systemStatus>>;

const healthClass = (health: string) => (health === 'ok' ? 'ok' : health === 'failing' ? 'bad' : health === 'disabled' ? 'muted' : 'warn');

export function OverviewLive(props: { status: Status; pending: ApprovalView[]; morePending: boolean; campaigns: CampaignCard[] }) {
  const { status } = props;
  return (
    <>
      <section class="grid">
        <div class="card">
          <h2>Health</h2>
          <p>
            Redis: <strong class={status.redis.ok ? 'ok' : 'bad'}>{status.redis.ok ? 'ok' : 'down'}</strong> · Postgres:{' '}
            <strong class={status.postgres.ok ? 'ok' : 'bad'}>{status.postgres.ok ? 'ok' : 'down'}</strong>
          </p>
          <table>
            <tbody>
              {Object.entries(status.components).map(([name, c]) => (
                <tr>
                  <td>{name}</td>
                  <td class={healthClass(c.health)}>{c.health}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="card">
          <h2>Pending approvals</h2>
          <p>
            <a href="/dashboard/approvals" data-testid="pending-count">
              {props.pending.length}
              {props.morePending ? '+' : ''} waiting
            </a>
          </p>
          <ul>
            {props.pending.slice(0, 5).map((a) => (
              <li>
                <a href={`/dashboard/approvals/${a.id}`}>{a.summary || a.kind}</a> <span class="muted">({a.priority})</span>
              </li>
            ))}
          </ul>
        </div>
        <div class="card">
          <h2>Queues</h2>
          <table>
            <thead>
              <tr>
                <th>queue</th>
                <th>waiting</th>
                <th>active</th>
                <th>failed</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(status.queues).map(([name, counts]) => (
                <tr>
                  <td>{name}</td>
                  <td>{(counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0)}</td>
                  <td>{counts.active ?? 0}</td>
                  <td>{counts.failed ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href="/admin/queues">Open Bull Board</a>
          </p>
        </div>
      </section>
      <section class="card">
        <h2>Active campaigns</h2>
        {props.campaigns.length === 0 ? <p class="muted">No campaign is running, paused or waiting.</p> : null}
        <table>
          <tbody>
            {props.campaigns.map((c) => (
              <tr>
                <td>
                  <a href={`/dashboard/campaigns/${c.id}`}>{c.name}</a>
                </td>
                <td>{c.status}</td>
                <td>
                  <ProgressBar done={c.progress.delivered} failed={c.progress.failed} total={c.progress.total} />
                </td>
                <td>{c.progress.ratePerSec.toFixed(1)}/s</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
