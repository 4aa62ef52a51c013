import { type Context, Hono } from 'hono';
import { type AuthOptions, requireRole } from '../../api/auth.js';
import type { AppEnv } from '../../api/env.js';
import { ApiError } from '../../api/errors.js';
import type { CampaignRow } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { experimentNeeds } from '../../growth/experiment-needs.js';
import { createExperiment, ExperimentError } from '../../growth/experiments.js';
import { planForCampaign } from '../../growth/plan-campaign.js';
import { sampleSizePerArm } from '../../growth/stats/sample-size.js';
import { formCsrfToken, verifyFormCsrf } from '../form-csrf.js';
import { ExperimentForm, ExperimentNeeds, type NeedsView } from '../forms/experiment-form.js';
import { experimentFromForm, parseExperimentForm } from '../forms/experiment-form-input.js';
import type { FieldErrors, FormFields } from '../forms/form-fields.js';
import { Layout } from '../layout.js';
import { formFields } from './campaign-form-routes.js';
import { campaignOr404 } from './campaign-routes.js';

/** The New experiment form on a draft campaign: arms, goal, attribution window, planned effect → sample size and duration. */
export function experimentFormRoutes(deps: Deps, auth: AuthOptions) {
  const needs = async (campaign: CampaignRow, f: FormFields): Promise<NeedsView | null> => {
    const input = experimentFromForm(f) as { samplePlan?: { baselineRate?: unknown; minDetectableEffect?: unknown; effectType: 'absolute' | 'relative' }; control: { weight?: unknown }; variants: { weight?: unknown }[]; attributionWindowSec?: unknown };
    const plan = input.samplePlan;
    if (!plan || typeof plan.baselineRate !== 'number' || typeof plan.minDetectableEffect !== 'number') return null;
    const { plan: send, audienceSize } = await planForCampaign(deps, campaign);
    const base = { perArm: null, recipients: null, audienceSize, enoughAudience: true, sendRatePerSec: send.sendRatePerSec, durationSec: null };
    let perArm: number;
    try {
      perArm = sampleSizePerArm({ baselineRate: plan.baselineRate, minDetectableEffect: plan.minDetectableEffect, effectType: plan.effectType, alpha: deps.config.growth.alpha, power: deps.config.growth.power }).perArm;
    } catch (error) {
      if (error instanceof RangeError) return { ...base, error: 'The baseline rate and the effect must keep both rates between 0 and 1, and the effect must not be 0.' };
      throw error;
    }
    const weights = [input.control, ...input.variants].map((a) => (typeof a.weight === 'number' ? a.weight : 1));
    const window = typeof input.attributionWindowSec === 'number' ? input.attributionWindowSec : 7 * 86_400;
    // The schema needs a variant; until one is typed, plan for one of weight 1.
    const result = experimentNeeds({ perArm, weights: input.variants.length ? weights : [weights[0]!, 1], audienceSize, sendRatePerSec: send.sendRatePerSec, attributionWindowSec: window });
    return { ...base, perArm, recipients: result.recipients, enoughAudience: result.enoughAudience, durationSec: result.durationSec, error: null };
  };
  const page = async (c: Context<AppEnv>, campaign: CampaignRow, f: FormFields, errors: FieldErrors) =>
    c.html(
      <Layout title="New experiment" user={c.var.principal.name}>
        <h1>New experiment on “{campaign.name}”</h1>
        <p class="muted">
          Each recipient gets one arm (and its reward) when the campaign launches; conversions are goal events within the attribution window. Results appear on the{' '}
          <a href="/dashboard/growth">Growth page</a>.
        </p>
        <ExperimentForm campaignId={campaign.id} values={f} errors={errors} csrf={formCsrfToken(c)} needs={<ExperimentNeeds needs={await needs(campaign, f)} />} />
      </Layout>,
    );
  const draft = async (c: Context<AppEnv>) => {
    const campaign = await campaignOr404(deps, c.req.param('id') ?? '');
    if (campaign.status !== 'draft') throw new ApiError(409, 'invalid_state', `The campaign is ${campaign.status}; only a draft campaign can get an experiment.`);
    return campaign;
  };
  return new Hono<AppEnv>()
    .get('/dashboard/campaigns/:id/experiment/new', requireRole('operator'), async (c) => page(c, await draft(c), { 'control.name': 'control', 'variants.0.name': 'variant' }, {}))
    .post('/dashboard/campaigns/:id/experiment/plan', requireRole('operator'), async (c) => c.html(<ExperimentNeeds needs={await needs(await draft(c), await formFields(c))} />))
    .post('/dashboard/campaigns/:id/experiment/new', requireRole('operator'), async (c) => {
      const campaign = await draft(c);
      const f = await formFields(c);
      if (!verifyFormCsrf(c, f.csrf)) {
        throw new ApiError(403, 'forbidden', 'This form has expired or did not come from this dashboard. Reload the page and try again.');
      }
      const parsed = parseExperimentForm(f);
      if (!parsed.ok) return page(c, campaign, f, parsed.errors);
      try {
        await createExperiment(deps, campaign.id, parsed.input, c.var.principal.name, c.var.traceId);
      } catch (error) {
        if (!(error instanceof ExperimentError)) throw error;
        if (error.status === 400) return page(c, campaign, f, { [(error.field ?? '_form').replace(/^json\./, '')]: error.message });
        throw new ApiError(error.status, error.status === 404 ? 'not_found' : 'invalid_state', error.message);
      }
      return c.redirect(`/dashboard/campaigns/${campaign.id}`, 303);
    });
}
