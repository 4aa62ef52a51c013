import type { ActionHandler } from '../deps.js';

export type { ActionContext, ActionHandler } from '../deps.js';

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
