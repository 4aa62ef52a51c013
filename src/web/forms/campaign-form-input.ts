import { type CampaignInput, campaignInputSchema } from '../../campaigns/input.js';
import { type FieldErrors, type FormFields, issuesByField, listField, numberField, pairsField } from './form-fields.js';

/** The New campaign form's fields, named by their path in the API's campaign input. */
export const CAMPAIGN_FIELDS = [
  'name',
  'audience.type',
  'audience.filters.tenantIds',
  'audience.filters.plans',
  'audience.filters.userAttributes',
  'audience.userIds',
  'template',
  'reward.mechanism',
  'reward.amount',
  'channel.url',
  'channel.mode',
  'channel.maxBatch',
  'channel.timeoutMs',
  'channel.headers',
  'channel.secret',
  'startAt',
  'maxAttempts',
] as const;

/** The audience part of the form, in the API's shape (a list is the typed ids plus an uploaded file's). */
export function audienceFromForm(f: FormFields): unknown {
  if (f['audience.type'] === 'list') {
    const ids = [...(listField(f['audience.userIds']) ?? []), ...uploadedIds(f['audience.file'] ?? '')];
    return { type: 'list', userIds: [...new Set(ids)] };
  }
  const filters: Record<string, unknown> = {};
  const tenantIds = listField(f['audience.filters.tenantIds']);
  const plans = listField(f['audience.filters.plans']);
  const attributes = pairsField(f['audience.filters.userAttributes'], /\s*=\s*/);
  if (tenantIds) filters.tenantIds = tenantIds;
  if (plans) filters.plans = plans;
  if (attributes) filters.userAttributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v === 'true' ? true : v === 'false' ? false : v]));
  return { type: 'segment', filters };
}

/** User ids from an uploaded list: one per line, or the first column of a CSV (a `user_id`/`id` header row is skipped). */
export function uploadedIds(text: string): string[] {
  const ids = text
    .split(/\r?\n/)
    .map((line) => line.split(',')[0]!.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
  return ids.length && /^(user_?id|id|userId)$/i.test(ids[0]!) ? ids.slice(1) : ids;
}

/** The form as the API's campaign input (unvalidated): blank optional fields are left out, so the schema's defaults apply. */
export function campaignFromForm(f: FormFields): Record<string, unknown> {
  const startAt = f.startAt?.trim();
  return {
    name: f.name ?? '',
    audience: audienceFromForm(f),
    template: f.template ?? '',
    reward: { mechanism: f['reward.mechanism'] || 'none', amount: numberField(f['reward.amount']) ?? 0 },
    channel: {
      url: f['channel.url'] ?? '',
      mode: f['channel.mode'] || undefined,
      maxBatch: numberField(f['channel.maxBatch']),
      timeoutMs: numberField(f['channel.timeoutMs']),
      headers: pairsField(f['channel.headers'], /\s*:\s*/),
      secret: f['channel.secret'] ?? '',
    },
    // A datetime-local field has no zone: the form says it is UTC.
    ...(startAt ? { startAt: /Z|[+-]\d\d:\d\d$/.test(startAt) ? startAt : `${startAt.length === 16 ? `${startAt}:00` : startAt}Z` } : {}),
    maxAttempts: numberField(f.maxAttempts),
  };
}

/** Validates the form with the API's own schema; errors are keyed by form field. */
export function parseCampaignForm(f: FormFields): { ok: true; input: CampaignInput } | { ok: false; errors: FieldErrors } {
  const parsed = campaignInputSchema.safeParse(campaignFromForm(f));
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, errors: issuesByField(parsed.error, CAMPAIGN_FIELDS, { audience: 'audience.type' }) };
}
