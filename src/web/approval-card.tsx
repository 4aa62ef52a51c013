import type { ApprovalDetail } from '../approvals/view.js';
import { renderMarkdown } from './markdown.js';

export const CARD_STYLE = `
.approval-card blockquote.preview{margin:.8rem 0 0;padding:.6rem .8rem;border-left:3px solid #5b8def;background:#f6f7f9;white-space:pre-wrap}
.approval-card .summary{margin-top:.8rem}.approval-card .summary :first-child{margin-top:0}
.approval-card details{margin-top:.8rem}.approval-card details pre{background:#f6f7f9;padding:.8rem;border-radius:4px;margin:.4rem 0 0}
`;

/** A request's card: the facts of its kind, the message preview or Markdown summary, and the raw payload one click away. */
export function ApprovalCardView(props: { request: ApprovalDetail }) {
  const a = props.request;
  const { card } = a;
  return (
    <section class="card approval-card" data-testid="approval-card" data-kind={a.kind} aria-label="What is asked">
      {card.facts.length ? (
        <dl class="facts">
          {card.facts.map((f) => (
            <>
              <dt>{f.label}</dt>
              <dd data-testid={`card-${f.key}`}>{f.value}</dd>
            </>
          ))}
        </dl>
      ) : null}
      {card.preview !== null ? (
        <figure style="margin:0">
          <figcaption class="muted" style="margin-top:.8rem">
            Message preview
          </figcaption>
          <blockquote class="preview" data-testid="card-preview">
            {card.preview}
          </blockquote>
        </figure>
      ) : null}
      {card.markdown ? <div class="summary" data-testid="card-summary" dangerouslySetInnerHTML={{ __html: renderMarkdown(card.markdown) }} /> : null}
      <details data-testid="raw-payload">
        <summary>Raw payload</summary>
        <pre>{JSON.stringify(a.payload, null, 2)}</pre>
        <p class="muted">
          Payload hash <code>{a.payloadHash}</code>
        </p>
      </details>
    </section>
  );
}
