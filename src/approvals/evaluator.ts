import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { PolicyVerdict } from '../policy/evaluate.js';
import type { Evaluation } from '../policy/with-evaluation.js';
import { signWebhook } from './webhook-signature.js';

const Answer = z.object({ verdict: z.enum(['approve', 'reject', 'escalate']), reason: z.string().max(2000).default('') });

export interface EvaluationRequest {
  kind: string;
  proposer: string;
  summary: string;
  params: Record<string, unknown>;
  traceId: string;
  policy: PolicyVerdict;
}

/** Whether a proposal goes to the evaluator first (config approvals.evaluator). */
export const evaluatorApplies = (deps: Deps, proposer: string) =>
  deps.config.approvals.evaluator.url !== '' && deps.config.approvals.evaluator.proposers.includes(proposer);

/**
 * Asks the evaluator for its verdict: POST of the proposal and the policy's own
 * verdict, signed like the decision webhooks when a secret is set. Anything but
 * a well-formed verdict within the timeout (an error status, bad JSON, no
 * answer) is `none`, and a person decides.
 */
export async function askEvaluator(deps: Deps, request: EvaluationRequest): Promise<Evaluation> {
  const { url, timeoutMs, secret } = deps.config.approvals.evaluator;
  const evaluator = new URL(url).host;
  const started = performance.now();
  const at = deps.clock.now().toISOString();
  const done = (verdict: Evaluation['verdict'], reason: string): Evaluation => ({
    evaluator,
    verdict,
    reason,
    at,
    latencyMs: Math.round(performance.now() - started),
  });
  const body = JSON.stringify(request);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-trace-id': request.traceId };
  if (secret) headers['x-flywheel-signature'] = signWebhook(secret, body, Math.floor(deps.clock.now().getTime() / 1000));
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (!response.ok) return done('none', `answered ${response.status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return done('none', 'answered something that is not JSON');
    }
    const answer = Answer.safeParse(json);
    if (!answer.success) return done('none', 'answered without a verdict of approve, reject or escalate');
    return done(answer.data.verdict, answer.data.reason);
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return done(
      'none',
      timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`,
    );
  }
}
