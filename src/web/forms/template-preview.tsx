import { PLACEHOLDER, TEMPLATE_VARIABLES } from '../../campaigns/template.js';

/** The values a delivery fills in for one recipient (as deliver-batch does), for the preview. */
export function previewValues(sample: { userId: string; userName: string | null; userEmail: string | null; tenantId: string; tenantName: string } | undefined, campaign: { name: string; mechanism: string; amount: string }): Record<string, string> {
  return {
    ...(sample
      ? { 'user.id': sample.userId, 'user.name': sample.userName ?? '', 'user.email': sample.userEmail ?? '', 'tenant.id': sample.tenantId, 'tenant.name': sample.tenantName }
      : {}),
    'campaign.name': campaign.name,
    'reward.mechanism': campaign.mechanism,
    'reward.amount': campaign.amount,
  };
}

/**
 * The message as one recipient would get it: known variables filled in, unknown
 * ones left as written and flagged, so a typo is seen before launch.
 */
export function TemplatePreview(props: { template: string; values: Record<string, string>; sampleUser: string | null }) {
  const parts: unknown[] = [];
  const unknown = new Set<string>();
  let last = 0;
  for (const match of props.template.matchAll(PLACEHOLDER)) {
    parts.push(props.template.slice(last, match.index));
    const name = match[1]!;
    if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) parts.push(<strong>{props.values[name] ?? ''}</strong>);
    else {
      unknown.add(name);
      parts.push(<mark class="unknown-var" title="Flywheel cannot fill this variable">{match[0]}</mark>);
    }
    last = match.index + match[0].length;
  }
  parts.push(props.template.slice(last));
  return (
    <div id="template-preview" data-testid="template-preview">
      <p class="muted">{props.sampleUser ? `As ${props.sampleUser} would get it:` : 'No user matches the audience yet: user and tenant variables are blank.'}</p>
      <div class="preview">{parts as never}</div>
      {unknown.size ? (
        <p class="error" data-testid="unknown-variables">
          Unknown variable{unknown.size > 1 ? 's' : ''}: {[...unknown].map((v) => `{{${v}}}`).join(', ')}. Known: {TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' ')}
        </p>
      ) : null}
    </div>
  );
}
