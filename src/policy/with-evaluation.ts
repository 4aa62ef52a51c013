import type { PolicyVerdict } from './evaluate.js';
import { approverRolesFor } from './evaluate.js';
import type { PolicyConfig } from './policy-config.js';

/** What an outside evaluator (the Meta-Agent) said of a proposal; `none` when it gave no usable answer in time. */
export interface Evaluation {
  /** The evaluator's host. */
  evaluator: string;
  verdict: 'approve' | 'reject' | 'escalate' | 'none';
  reason: string;
  /** ISO-8601. */
  at: string;
  latencyMs: number;
}

const said = (e: Evaluation) =>
  e.verdict === 'none' ? `the evaluator (${e.evaluator}) gave no verdict: ${e.reason}` : `the evaluator (${e.evaluator}) says ${e.verdict}: ${e.reason}`;

/**
 * The policy's verdict with the evaluator's applied: it may make a proposal
 * stricter, never looser. A rejection refuses; an escalation, or no answer,
 * sends to a person what the guardrails would have applied; an approval
 * changes nothing (what needs a person still does). A refusal by the
 * guardrails is never asked about.
 */
export function withEvaluation(
  verdict: Exclude<PolicyVerdict, { outcome: 'refuse' }>,
  evaluation: Evaluation,
  kind: string,
  config: PolicyConfig,
): PolicyVerdict {
  if (evaluation.verdict === 'reject') return { outcome: 'refuse', reason: said(evaluation) };
  if (verdict.outcome === 'approve') return { ...verdict, reasons: [...verdict.reasons, said(evaluation)] };
  if (evaluation.verdict === 'approve') return verdict;
  return { outcome: 'approve', priority: 'normal', reasons: [said(evaluation)], channels: [...config.channels], approverRoles: approverRolesFor(kind, config) };
}
