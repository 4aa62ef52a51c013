import type { ActionHandler } from '../../src/actions/registry.js';

/**
 * An action handler for tests of the approval machinery: it records what it
 * applied, and its "current" parameters can be edited to simulate a change
 * made after approval.
 */
export function recordingAction(kind: string) {
  const applied: { params: Record<string, unknown>; approvalId: string | null; traceId: string }[] = [];
  const resolved: { outcome: string; payload: Record<string, unknown> }[] = [];
  const edits = new Map<string, Record<string, unknown>>();
  const handler: ActionHandler = {
    kind,
    async currentParams(_deps, payload) {
      return edits.get(String(payload.name)) ?? payload;
    },
    async apply(_deps, params, context) {
      applied.push({ params, approvalId: context.approvalId, traceId: context.traceId });
      return { applied: params.name ?? null };
    },
    async onResolved(_deps, payload, outcome) {
      resolved.push({ outcome, payload });
    },
  };
  return { handler, applied, resolved, edit: (name: string, params: Record<string, unknown>) => edits.set(name, params) };
}
