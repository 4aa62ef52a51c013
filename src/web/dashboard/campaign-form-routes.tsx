import { type Context, Hono } from 'hono';
import { type AuthOptions, requireRole } from '../../api/auth.js';
import type { AppEnv } from '../../api/env.js';
import { ApiError } from '../../api/errors.js';
import { audienceSize, sampleRecipient } from '../../campaigns/audience.js';
import { CampaignInputError, createCampaign } from '../../campaigns/create.js';
import { audienceSchema } from '../../campaigns/input.js';
import type { Deps } from '../../deps.js';
import { formCsrfToken, verifyFormCsrf } from '../form-csrf.js';
import { AudienceCount, CampaignForm } from '../forms/campaign-form.js';
import { audienceFromForm, parseCampaignForm } from '../forms/campaign-form-input.js';
import type { FieldErrors, FormFields } from '../forms/form-fields.js';
import { previewValues, TemplatePreview } from '../forms/template-preview.js';
import { Layout } from '../layout.js';

/** A posted form as strings; an uploaded file is read as text. */
export async function formFields(c: Context<AppEnv>): Promise<FormFields> {
  const body = await c.req.parseBody();
  const out: FormFields = {};
  for (const [key, value] of Object.entries(body)) {
    const one = Array.isArray(value) ? value[0] : value;
    if (one === undefined) continue;
    out[key] = typeof one === 'string' ? one : await one.text();
  }
  return out;
}

/** The New campaign form: live audience count and message preview, validated with the API's schema, creating a draft. */
export function campaignFormRoutes(deps: Deps, auth: AuthOptions) {
  const count = async (f: FormFields) => {
    const audience = audienceSchema.safeParse(audienceFromForm(f));
    if (!audience.success) return <AudienceCount count={null} error={audience.error.issues[0]?.message} />;
    return <AudienceCount count={await audienceSize(deps.db, audience.data)} />;
  };
  const preview = async (f: FormFields) => {
    const audience = audienceSchema.safeParse(audienceFromForm(f));
    const sample = audience.success ? await sampleRecipient(deps.db, audience.data) : undefined;
    const values = previewValues(sample, { name: f.name ?? '', mechanism: f['reward.mechanism'] || 'none', amount: f['reward.amount'] || '0' });
    return <TemplatePreview template={f.template ?? ''} values={values} sampleUser={sample ? `${sample.userName ?? sample.userId} (${sample.tenantName})` : null} />;
  };
  // A form sent back with its errors answers 200: it is a page to correct, and a 4xx document is a console error in browsers.
  const page = async (c: Context<AppEnv>, f: FormFields, errors: FieldErrors) =>
    c.html(
      <Layout title="New campaign" user={c.var.principal.name}>
        <h1>New campaign</h1>
        <CampaignForm values={f} errors={errors} csrf={formCsrfToken(c)} audienceCount={await count(f)} preview={await preview(f)} />
      </Layout>,
    );
  return new Hono<AppEnv>()
    .get('/dashboard/campaigns/new', requireRole('operator'), (c) => page(c, {}, {}))
    .post('/dashboard/campaigns/new/audience-count', requireRole('operator'), async (c) => c.html(await count(await formFields(c))))
    .post('/dashboard/campaigns/new/preview', requireRole('operator'), async (c) => c.html(await preview(await formFields(c))))
    .post('/dashboard/campaigns/new', requireRole('operator'), async (c) => {
      const f = await formFields(c);
      if (!verifyFormCsrf(c, f.csrf)) {
        throw new ApiError(403, 'forbidden', 'This form has expired or did not come from this dashboard. Reload the page and try again.');
      }
      const parsed = parseCampaignForm(f);
      if (!parsed.ok) return page(c, f, parsed.errors);
      try {
        const campaign = await createCampaign(deps, parsed.input, c.var.principal.name, c.var.traceId);
        return c.redirect(`/dashboard/campaigns/${campaign.id}`, 303);
      } catch (error) {
        if (!(error instanceof CampaignInputError)) throw error;
        const field = error.field === 'audience' ? (f['audience.type'] === 'list' ? 'audience.userIds' : 'audience.filters.plans') : error.field;
        return page(c, f, { [field]: error.message });
      }
    });
}
