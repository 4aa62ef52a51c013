import type { Deps } from '../deps.js';

export interface ActionContext {
  traceId: string;
  /** The approval this application uses, or null when the policy let it apply directly. */
  approvalId: string | null;
  actor: string;
}

/**
 * How a domain applies one kind of action. `currentParams` reads the action's
 * parameters as they are now (e.g. a campaign row), so an approval is checked
 * against what would really be applied, not against a stale copy.
 */
export type ResolvedOutcome = 'rejected' | 'expired' | 'cancelled' | 'payload_changed';

export interface ActionHandler {
  kind: string;
  currentParams?(deps: Deps, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  apply(deps: Deps, params: Record<string, unknown>, context: ActionContext): Promise<Record<string, unknown>>;
  /**
   * Told when a request for this action ended without being applied: rejected,
   * expired, cancelled, or approved but refused at use because its parameters changed.
   */
  onResolved?(deps: Deps, payload: Record<string, unknown>, outcome: ResolvedOutcome, context: ActionContext): Promise<void>;
  /**
   * Proposing again after a request ended unapproved files a new request, even
   * under the same idempotency key (the key then only dedupes retries while pending).
   * @defaultValue false: the same key always gets the first request back
   */
  renewAfterRefusal?: boolean;
}

export class ActionRegistry {
  private readonly handlers = new Map<string, ActionHandler>();

  constructor(handlers: readonly ActionHandler[] = []) {
    for (const handler of handlers) this.register(handler);
  }

  register(handler: ActionHandler): this {
    if (this.handlers.has(handler.kind)) throw new Error(`action ${handler.kind} registered twice`);
    this.handlers.set(handler.kind, handler);
    return this;
  }

  /** Replaces a kind's handler (tests stand in for a domain's). */
  override(handler: ActionHandler): this {
    this.handlers.set(handler.kind, handler);
    return this;
  }

  get(kind: string): ActionHandler | undefined {
    return this.handlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }
}
