import { z } from 'zod';
import { renderTemplate, TEMPLATE_VARIABLES } from '../campaigns/template.js';
import { duration, percent, points, roundForPeople, signedPercent } from './people-format.js';
import { renderPayloadLines } from './render-payload.js';

/** One line of a card: `key` names it for tests and scripts (`audience`, `plan`, `chance`). */
export interface CardFact {
  key: string;
  label: string;
  value: string;
}

/**
 * What an approver reads about a request, per kind: the facts that matter,
 * numbers rounded for people, and for a campaign the message as sent. The
 * dashboard shows it as HTML and Telegram as text; the raw payload stays one
 * click away.
 */
export interface ApprovalCard {
  facts: CardFact[];
  /** A campaign's message with the campaign's own values filled in; recipient fields as ‹user.name›. */
  preview: string | null;
  /** An external request's summary, Markdown as its system wrote it. */
  markdown: string | null;
}

export interface CardInput {
  kind: string;
  source: 'internal' | 'external';
  summary: string;
  payload: Record<string, unknown>;
  /** An outside evaluator's verdict (approvals.evaluator), shown next to Flywheel's own evidence. */
  evaluation?: Record<string, unknown> | null;
}

const EvaluationShape = z.object({ evaluator: z.string(), verdict: z.string(), reason: z.string() });

/** "Meta-Agent (meta.example.com): escalate: budget too high" */
function evaluationFact(raw: Record<string, unknown> | null | undefined): CardFact[] {
  const e = EvaluationShape.safeParse(raw);
  if (!e.success) return [];
  const said = e.data.verdict === 'none' ? 'no verdict' : e.data.verdict;
  return [{ key: 'evaluation', label: 'Evaluator', value: `${said} (${e.data.evaluator})${e.data.reason ? `: ${e.data.reason}` : ''}` }];
}

const Reward = z.object({ mechanism: z.string(), amount: z.number() });
const Capacity = z.object({ capacityPerSec: z.number(), source: z.string(), measuredAt: z.string().nullable() });
const Plan = z.object({
  capacity: Capacity,
  plan: z.object({
    waves: z.array(z.object({ size: z.number(), durationSec: z.number() })),
    sendRatePerSec: z.number(),
    etaSec: z.number().nullable(),
    delayedUntil: z.string().optional(),
    reason: z.string(),
  }),
});
const Launch = z.object({
  name: z.string(),
  audienceSize: z.number(),
  budget: z.number(),
  reward: Reward,
  template: z.string().optional(),
  experiment: z
    .object({ key: z.string(), arms: z.array(z.object({ name: z.string(), mechanism: z.string(), amount: z.number(), weight: z.number() })) })
    .optional(),
  plan: Plan.optional(),
});
const Evidence = z.object({
  effect: z.number(),
  interval: z.tuple([z.number(), z.number()]),
  probability: z.number(),
  pValue: z.number(),
  cost: z.number().nullable(),
});
const GrowthChange = z.object({
  experimentKey: z.string(),
  arm: z.string(),
  budgetDelta: z.number(),
  evidence: Evidence,
  reason: z.string(),
  mechanism: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  percentChange: z.number().nullable().optional(),
  fromShare: z.number().optional(),
  toShare: z.number().optional(),
});

const rewardText = (r: { mechanism: string; amount: number }) => (r.mechanism === 'none' ? 'no reward' : `${r.mechanism} ${roundForPeople(r.amount)}`);
const clock = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** "1 wave, 14/s, about 2 min; capacity 29/s measured 3 min ago" */
export function sendPlanText(plan: z.infer<typeof Plan>, now: Date): string {
  const { capacity } = plan;
  const measured =
    capacity.source === 'snapshot' && capacity.measuredAt
      ? `measured ${duration(Math.max(0, (now.getTime() - new Date(capacity.measuredAt).getTime()) / 1000))} ago`
      : 'configured, not measured';
  const capacityText = `capacity ${roundForPeople(capacity.capacityPerSec)}/s ${measured}`;
  const p = plan.plan;
  if (p.delayedUntil || p.sendRatePerSec <= 0)
    return `delayed${p.delayedUntil ? ` until ${clock(p.delayedUntil)}` : ''}: no capacity to spare now; ${capacityText}`;
  const waves = p.waves.length;
  const eta = p.etaSec === null ? '' : `, about ${duration(p.etaSec)}`;
  return `${waves} wave${waves === 1 ? '' : 's'}, ${roundForPeople(p.sendRatePerSec)}/s${eta}; ${capacityText}`;
}

/** The message as recipients will see it: the campaign's own values filled in, each recipient's shown as ‹name›. */
export function messagePreview(template: string, campaign: { name: string; reward: { mechanism: string; amount: number } }): string {
  const values: Record<string, string> = {};
  for (const name of TEMPLATE_VARIABLES) values[name] = `‹${name}›`;
  values['campaign.name'] = campaign.name;
  values['reward.mechanism'] = campaign.reward.mechanism;
  values['reward.amount'] = roundForPeople(campaign.reward.amount);
  return renderTemplate(template, values);
}

function launchCard(p: z.infer<typeof Launch>, now: Date): ApprovalCard {
  const facts: CardFact[] = [{ key: 'audience', label: 'Audience', value: `${roundForPeople(p.audienceSize)} users` }];
  if (p.experiment) {
    const total = p.experiment.arms.reduce((sum, a) => sum + a.weight, 0) || 1;
    const arms = p.experiment.arms.map((a) => `${a.name}: ${rewardText(a)}, ${percent(a.weight / total)} of traffic`).join('; ');
    facts.push({ key: 'arms', label: 'Arms and rewards', value: `${arms} (experiment ${p.experiment.key})` });
  } else {
    facts.push({ key: 'reward', label: 'Reward', value: `${rewardText(p.reward)} per recipient` });
  }
  facts.push({ key: 'budget', label: 'Budget', value: p.budget > 0 ? `up to ${roundForPeople(p.budget)} in rewards` : 'no rewards' });
  if (p.plan) facts.push({ key: 'plan', label: 'Send plan', value: sendPlanText(p.plan, now) });
  return { facts, preview: p.template === undefined ? null : messagePreview(p.template, p), markdown: null };
}

function growthCard(kind: string, p: z.infer<typeof GrowthChange>): ApprovalCard {
  const facts: CardFact[] = [];
  if (kind === 'reward.adjust' && p.from !== undefined && p.to !== undefined) {
    const change = p.percentChange === null || p.percentChange === undefined ? '' : ` (${signedPercent(p.percentChange)})`;
    facts.push({
      key: 'change',
      label: 'Reward',
      value: `${p.mechanism ?? 'reward'} of arm ${p.arm}: ${roundForPeople(p.from)} → ${roundForPeople(p.to)}${change}`,
    });
  } else if (p.fromShare !== undefined && p.toShare !== undefined) {
    facts.push({ key: 'change', label: 'Traffic', value: `arm ${p.arm}: ${percent(p.fromShare)} → ${kind === 'arm.stop' ? 'stopped' : percent(p.toShare)}` });
  }
  const e = p.evidence;
  facts.push(
    { key: 'effect', label: 'Effect', value: `${points(e.effect)} conversion vs control` },
    { key: 'interval', label: 'Interval', value: `${points(e.interval[0])} to ${points(e.interval[1])} (always-valid)` },
    { key: 'chance', label: 'Chance to win', value: percent(e.probability) },
    { key: 'cost', label: 'Cost', value: e.cost === null ? 'no extra conversions yet' : `${roundForPeople(e.cost)} per extra conversion` },
    {
      key: 'budget',
      label: 'Budget change',
      value: p.budgetDelta === 0 ? 'none' : `${p.budgetDelta > 0 ? '+' : '−'}${roundForPeople(Math.abs(p.budgetDelta))}`,
    },
    { key: 'experiment', label: 'Experiment', value: p.experimentKey },
    { key: 'why', label: 'Why', value: p.reason },
  );
  return { facts, preview: null, markdown: null };
}

/** Any other payload: one fact per field, numbers rounded. */
function genericFacts(payload: Record<string, unknown>): CardFact[] {
  return renderPayloadLines(payload).map((line, i) => {
    const at = line.indexOf(': ');
    return at < 0 ? { key: `field-${i}`, label: '', value: line } : { key: `field-${i}`, label: line.slice(0, at), value: line.slice(at + 2) };
  });
}

/** The card of a request, from its kind and payload; a payload that does not fit its kind's shape falls back to every field. */
export function approvalCard(input: CardInput, now: Date): ApprovalCard {
  const card = kindCard(input, now);
  return { ...card, facts: [...card.facts, ...evaluationFact(input.evaluation)] };
}

function kindCard(input: CardInput, now: Date): ApprovalCard {
  if (input.source === 'external')
    return { facts: Object.keys(input.payload).length ? genericFacts(input.payload) : [], preview: null, markdown: input.summary };
  if (input.kind === 'campaign.launch') {
    const launch = Launch.safeParse(input.payload);
    if (launch.success) return launchCard(launch.data, now);
  }
  if (input.kind === 'reward.adjust' || input.kind === 'traffic.shift' || input.kind === 'arm.stop') {
    const change = GrowthChange.safeParse(input.payload);
    if (change.success) return growthCard(input.kind, change.data);
  }
  return { facts: genericFacts(input.payload), preview: null, markdown: null };
}

/** The card as plain text (Telegram, the CLI): `Label: value` lines, then the message preview. */
export function cardText(card: ApprovalCard): string {
  const lines = card.facts.map((f) => (f.label ? `${f.label}: ${f.value}` : f.value));
  if (card.preview !== null) lines.push('', 'Message preview:', ...card.preview.split('\n').map((l) => `│ ${l}`));
  return lines.join('\n');
}
