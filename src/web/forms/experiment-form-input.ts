import { type ExperimentInput, experimentInputSchema } from '../../growth/experiment-input.js';
import { type FieldErrors, type FormFields, issuesByField, numberField } from './form-fields.js';

/** Variant rows the form offers; blank rows are left out. */
export const VARIANT_ROWS = 3;

const ARM_PARTS = ['name', 'mechanism', 'amount', 'weight'] as const;

export const EXPERIMENT_FIELDS = [
  'key',
  'goalEvent',
  'attributionWindowHours',
  ...ARM_PARTS.map((p) => `control.${p}`),
  'variants',
  ...Array.from({ length: VARIANT_ROWS }, (_, i) => ARM_PARTS.map((p) => `variants.${i}.${p}`)).flat(),
  'allocation.mode',
  'allocation.controlFloor',
  'samplePlan.baselineRate',
  'samplePlan.minDetectableEffect',
  'samplePlan.effectType',
];

const arm = (f: FormFields, prefix: string) => ({
  name: f[`${prefix}.name`]?.trim() ?? '',
  mechanism: f[`${prefix}.mechanism`] || 'none',
  amount: numberField(f[`${prefix}.amount`]) ?? 0,
  weight: numberField(f[`${prefix}.weight`]),
});

/** The form as the API's experiment input (unvalidated); the attribution window is typed in hours. */
export function experimentFromForm(f: FormFields): Record<string, unknown> {
  const hours = numberField(f.attributionWindowHours);
  const variants = Array.from({ length: VARIANT_ROWS }, (_, i) => i)
    .filter((i) => f[`variants.${i}.name`]?.trim())
    .map((i) => arm(f, `variants.${i}`));
  const baseline = numberField(f['samplePlan.baselineRate']);
  const effect = numberField(f['samplePlan.minDetectableEffect']);
  return {
    ...(f.key?.trim() ? { key: f.key.trim() } : {}),
    goalEvent: f.goalEvent ?? '',
    ...(hours === undefined ? {} : { attributionWindowSec: typeof hours === 'number' ? Math.round(hours * 3600) : hours }),
    control: arm(f, 'control'),
    variants,
    allocation: f['allocation.mode'] === 'thompson' ? { mode: 'thompson', controlFloor: numberField(f['allocation.controlFloor']) } : { mode: 'fixed' },
    ...(baseline !== undefined || effect !== undefined
      ? { samplePlan: { baselineRate: baseline, minDetectableEffect: effect, effectType: f['samplePlan.effectType'] || 'absolute' } }
      : {}),
  };
}

/** Validates the form with the API's own schema; errors are keyed by form field. */
export function parseExperimentForm(f: FormFields): { ok: true; input: ExperimentInput } | { ok: false; errors: FieldErrors } {
  const parsed = experimentInputSchema.safeParse(experimentFromForm(f));
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, errors: issuesByField(parsed.error, EXPERIMENT_FIELDS, { attributionWindowSec: 'attributionWindowHours', samplePlan: 'samplePlan.baselineRate' }) };
}
