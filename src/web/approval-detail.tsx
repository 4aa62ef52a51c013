import type { ApprovalDetail } from '../approvals/view.js';
import { ApprovalCardView, CARD_STYLE } from './approval-card.js';
import { ApprovalsFrame, Badge, Channels } from './approval-parts.js';
import { timeLeft, traceHref, when } from './format.js';

export interface DetailProps {
  user: string;
  request: ApprovalDetail;
  now: Date;
  /** Whether the viewer may decide: holds the approver role. */
  canDecide: boolean;
  /** Echoed back by the decision forms; empty for bearer callers, who carry no cookie to forge with. */
  csrf: string;
  flash: { text: string; ok: boolean } | null;
}

function DecisionForm(props: { id: string; payloadHash: string; csrf: string; decision: 'approve' | 'reject' }) {
  const approve = props.decision === 'approve';
  return (
    <form method="post" action={`/dashboard/approvals/${props.id}/decision`} class="card">
      <input type="hidden" name="csrf" value={props.csrf} />
      <input type="hidden" name="payloadHash" value={props.payloadHash} />
      <input type="hidden" name="decision" value={props.decision} />
      <p>
        <label>
          {approve ? 'Reason for approval (optional)' : 'Reason for rejection (required)'}
          <input type="text" name="reason" maxlength={1000} required={!approve} autocomplete="off" />
        </label>
      </p>
      <button type="submit" class={approve ? undefined : 'secondary'}>
        {approve ? 'Approve' : 'Reject'}
      </button>
    </form>
  );
}

export function DetailPage(props: DetailProps) {
  const a = props.request;
  const pending = a.status === 'pending';
  return (
    <ApprovalsFrame title={a.title ?? a.summary} user={props.user}>
      <style>{CARD_STYLE}</style>
      {props.flash ? (
        <p class={props.flash.ok ? 'flash' : 'flash warn'} role="status">
          {props.flash.text}
        </p>
      ) : null}
      <h1>{a.title ?? a.summary}</h1>
      <div class="card">
        <dl class="facts">
          <dt>Status</dt>
          <dd data-testid="status">
            <Badge value={a.status} />
            {pending ? <span class="muted"> {timeLeft(a.expiresAt, props.now)}</span> : null}
          </dd>
          <dt>Kind</dt>
          <dd>{a.kind}</dd>
          <dt>Priority</dt>
          <dd>
            <Badge value={a.priority} />
          </dd>
          <dt>Requester</dt>
          <dd>{a.requester}</dd>
          <dt>Channels</dt>
          <dd>
            <Channels channels={a.channels} />
          </dd>
          <dt>Trace id</dt>
          <dd>
            <a href={traceHref(a.traceId)} data-testid="trace-link">
              <code>{a.traceId}</code>
            </a>
          </dd>
          <dt>Created</dt>
          <dd>{when(a.createdAt)}</dd>
          <dt>Expires</dt>
          <dd>{when(a.expiresAt)}</dd>
          {a.decidedAt ? (
            <>
              <dt>Decided</dt>
              <dd>{when(a.decidedAt)}</dd>
            </>
          ) : null}
          {a.resolution ? (
            <>
              <dt>Resolution</dt>
              <dd>{a.resolution}</dd>
            </>
          ) : null}
          {a.useRefused ? (
            <>
              <dt>Not applied</dt>
              <dd data-testid="use-refused" class="error">
                {a.useRefused === 'payload_changed' ? 'the parameters changed after approval; it must be proposed again' : a.useRefused}
              </dd>
            </>
          ) : null}
          {a.usedAt ? (
            <>
              <dt>Applied</dt>
              <dd>{when(a.usedAt)}</dd>
            </>
          ) : null}
        </dl>
      </div>

      <h2>Why it needs approval</h2>
      {a.reasons.length ? (
        <ul>
          {a.reasons.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">The policy asks for approval of every {a.kind}.</p>
      )}

      <h2>What is asked</h2>
      <ApprovalCardView request={a} />

      <h2>Decisions</h2>
      {a.decisions.length ? (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Channel</th>
              <th>Actor</th>
              <th>Decision</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {a.decisions.map((d) => (
              <tr>
                <td>{when(d.at)}</td>
                <td>{d.channel}</td>
                <td>{d.actor}</td>
                <td>{d.decision}</td>
                <td>{d.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No decisions yet.</p>
      )}

      {pending && props.canDecide ? (
        <section aria-label="Decide">
          <h2>Decide</h2>
          <div class="decide">
            <DecisionForm id={a.id} payloadHash={a.payloadHash} csrf={props.csrf} decision="approve" />
            <DecisionForm id={a.id} payloadHash={a.payloadHash} csrf={props.csrf} decision="reject" />
          </div>
        </section>
      ) : pending ? (
        <p class="muted">Deciding needs the approver role.</p>
      ) : null}
    </ApprovalsFrame>
  );
}
