import type { ActionHandler } from '../../src/deps.js';
import type { Clock } from '../../src/clock.js';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from './deps.js';
import { FakeTelegram } from './fake-telegram.js';
import { startTestWorkers } from './workers.js';

export interface TelegramSystem {
  ctx: TestContext;
  app: ReturnType<typeof createApp>;
  /** The fake Bot API every Telegram call of the system goes to. */
  telegram: FakeTelegram;
  stop(): Promise<void>;
}

/**
 * A test context with the Telegram channel on, pointed at a FakeTelegram on loopback
 * (bot token `123:TEST`), its app, and every worker running.
 */
export async function startTelegramSystem(options: {
  telegram: Record<string, unknown>;
  config?: Record<string, unknown>;
  clock?: Clock;
  extraActions?: ActionHandler[];
}): Promise<TelegramSystem> {
  const telegram = await new FakeTelegram().start();
  const ctx = await createTestContext({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.extraActions ? { extraActions: options.extraActions } : {}),
    config: { ...options.config, telegram: { enabled: true, botToken: '123:TEST', apiRoot: telegram.apiRoot, ...options.telegram } },
  });
  const app = createApp(ctx.deps);
  const workers = await startTestWorkers(ctx);
  return {
    ctx,
    app,
    telegram,
    async stop() {
      await workers.stop();
      await ctx.cleanup();
      await telegram.stop();
    },
  };
}
