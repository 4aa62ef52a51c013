import { MECHANISMS } from '../../growth/experiment-input.js';
import { duration } from '../format.js';
import { control, Field, FormErrors } from './field.js';
import { VARIANT_ROWS } from './experiment-form-input.js';
import type { FieldErrors, FormFields } from './form-fields.js';

const PLAN_SCRIPT = `
(() => {
  const form = document.querySelector('form[data-experiment-form]');
  if (!form) return;
  let timer;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const res = await fetch(form.dataset.plan, { method: 'POST', body: new FormData(form) });
        if (res.ok) document.getElementById('experiment-needs').outerHTML = await res.text();
      } catch {}
    }, 250);
  };
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
})();`;

export interface NeedsView {
  perArm: number | null;
  recipients: number | null;
  audienceSize: number;
  enoughAudience: boolean;
  sendRatePerSec: number;
  durationSec: number | null;
  error: string | null;
}

/** The sample size the planned effect needs, and how long the campaign takes to reach it. */
export function ExperimentNeeds(props: { needs: NeedsView | null }) {
  const n = props.needs;
  return (
    <div id="experiment-needs" class="card" data-testid="experiment-needs" aria-live="polite">
      {!n ? (
        <p class="muted">Give a baseline rate and the smallest effect worth detecting to see the sample size and duration they need.</p>
      ) : n.error ? (
        <p class="error">{n.error}</p>
      ) : (
        <>
          <p>
            Needs <strong>{n.perArm!.toLocaleString('en')}</strong> recipients per arm, <strong>{n.recipients!.toLocaleString('en')}</strong> in all at these weights
            {n.durationSec !== null ? (
              <>
                {' '}
                · about <strong>{duration(n.durationSec)}</strong> to a readable result (sending at {n.sendRatePerSec.toFixed(1)}/s, then the attribution window)
              </>
            ) : null}
            .
          </p>
          {n.enoughAudience ? null : (
            <p class="warn" data-testid="audience-too-small">
              The audience has {n.audienceSize.toLocaleString('en')} recipients: too few to detect this effect. Plan a larger effect or a larger audience.
            </p>
          )}
        </>
      )}
    </div>
  );
}

function ArmRow(props: { prefix: string; label: string; values: FormFields; errors: FieldErrors }) {
  const v = (part: string) => props.values[`${props.prefix}.${part}`] ?? '';
  const e = props.errors;
  return (
    <fieldset>
      <legend>{props.label}</legend>
      <div class="grid">
        <Field name={`${props.prefix}.name`} label="Arm name" errors={e}>
          <input type="text" {...control(`${props.prefix}.name`, e)} value={v('name')} />
        </Field>
        <Field name={`${props.prefix}.mechanism`} label="Mechanism" errors={e}>
          <select {...control(`${props.prefix}.mechanism`, e)}>
            {MECHANISMS.map((m) => (
              <option value={m} selected={(v('mechanism') || 'points') === m}>
                {m.replace('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field name={`${props.prefix}.amount`} label="Amount" errors={e}>
          <input type="number" {...control(`${props.prefix}.amount`, e)} value={v('amount')} min={0} step="any" />
        </Field>
        <Field name={`${props.prefix}.weight`} label="Weight" errors={e}>
          <input type="number" {...control(`${props.prefix}.weight`, e)} value={v('weight') || '1'} min={0} step="any" />
        </Field>
      </div>
    </fieldset>
  );
}

export function ExperimentForm(props: { campaignId: string; values: FormFields; errors: FieldErrors; csrf: string; needs: unknown }) {
  const v = (name: string) => props.values[name] ?? '';
  const e = props.errors;
  const base = `/dashboard/campaigns/${props.campaignId}/experiment`;
  return (
    <form method="post" action={`${base}/new`} data-experiment-form data-plan={`${base}/plan`} novalidate>
      <input type="hidden" name="csrf" value={props.csrf} />
      <FormErrors errors={e} />
      <fieldset>
        <legend>Goal</legend>
        <Field name="goalEvent" label="Goal event" errors={e} hint="The event type that counts as a conversion, e.g. purchase.">
          <input type="text" {...control('goalEvent', e)} value={v('goalEvent')} />
        </Field>
        <Field name="attributionWindowHours" label="Attribution window (hours)" errors={e} hint="A conversion counts up to this long after the message; default 168 (7 days).">
          <input type="number" {...control('attributionWindowHours', e)} value={v('attributionWindowHours')} min={1} placeholder="168" step="any" />
        </Field>
        <Field name="key" label="Key (optional)" errors={e} hint="Hashed with each user id to assign arms; default campaign-<id>.">
          <input type="text" {...control('key', e)} value={v('key')} />
        </Field>
      </fieldset>
      <ArmRow prefix="control" label="Control arm" values={props.values} errors={e} />
      {e.variants ? <p class="error" data-error-for="variants">{e.variants}</p> : null}
      {Array.from({ length: VARIANT_ROWS }, (_, i) => (
        <ArmRow prefix={`variants.${i}`} label={`Variant ${i + 1}${i > 0 ? ' (optional)' : ''}`} values={props.values} errors={e} />
      ))}
      <fieldset>
        <legend>Allocation</legend>
        <Field name="allocation.mode" label="Traffic" errors={e}>
          <select {...control('allocation.mode', e)}>
            <option value="fixed" selected={v('allocation.mode') !== 'thompson'}>
              fixed, by weight
            </option>
            <option value="thompson" selected={v('allocation.mode') === 'thompson'}>
              shifts hourly towards the better arms (Thompson sampling)
            </option>
          </select>
        </Field>
        <Field name="allocation.controlFloor" label="Control keeps at least (share)" errors={e} hint="With Thompson sampling; default 0.1.">
          <input type="number" {...control('allocation.controlFloor', e)} value={v('allocation.controlFloor')} min={0} max={1} step="any" placeholder="0.1" />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Planned effect</legend>
        <Field name="samplePlan.baselineRate" label="Baseline conversion rate" errors={e} hint="The control's expected rate, as a fraction: 0.1 for 10%.">
          <input type="number" {...control('samplePlan.baselineRate', e)} value={v('samplePlan.baselineRate')} min={0} max={1} step="any" />
        </Field>
        <Field name="samplePlan.minDetectableEffect" label="Smallest effect worth detecting" errors={e}>
          <input type="number" {...control('samplePlan.minDetectableEffect', e)} value={v('samplePlan.minDetectableEffect')} min={0} step="any" />
        </Field>
        <Field name="samplePlan.effectType" label="Effect is" errors={e}>
          <select {...control('samplePlan.effectType', e)}>
            <option value="absolute" selected={v('samplePlan.effectType') !== 'relative'}>
              absolute (0.02 = two points more)
            </option>
            <option value="relative" selected={v('samplePlan.effectType') === 'relative'}>
              relative (0.2 = a fifth more)
            </option>
          </select>
        </Field>
        {props.needs as never}
      </fieldset>
      <div class="actions">
        <button type="submit" data-action="create-experiment">
          Create experiment
        </button>
        <a class="button secondary" href={`/dashboard/campaigns/${props.campaignId}`}>
          Cancel
        </a>
      </div>
      <script dangerouslySetInnerHTML={{ __html: PLAN_SCRIPT }} />
    </form>
  );
}
