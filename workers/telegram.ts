import { DelayedError, UnrecoverableError } from 'bullmq';
import { telegramQueue } from '../queues/telegram.js';
import { defineWorker } from './define.js';

export const telegramWorker = defineWorker({
  queue: telegramQueue,
  async process({ job, token, data, deps }) {
    // Loaded on first use: grammY is only needed where Telegram messages are sent.
    const [{ createTelegramApi }, { closeRequestMessages, sendRequestMessages }, { resendOwed }, { isPermanent, retryDelayMs }] = await Promise.all([
      import('../src/telegram/api.js'),
      import('../src/telegram/notifier.js'),
      import('../src/telegram/resend.js'),
      import('../src/telegram/retry.js'),
    ]);
    const api = createTelegramApi(deps.config.telegram);
    if (!('requestId' in data)) return resendOwed(deps, api);
    try {
      if (data.step === 'close') return await closeRequestMessages(deps, api, data.requestId);
      if (data.step === 'voided') return await sendRequestMessages(deps, api, data.requestId, 'voided');
      return await sendRequestMessages(deps, api, data.requestId, data.step === 'notify' ? 'request' : 'escalation');
    } catch (error) {
      // A refusal (bad token, ...) says the same the next time.
      if (isPermanent(error)) throw new UnrecoverableError(error.message);
      // Telegram (or Postgres) is down or overloaded: give the job back for a while (the queue serves others
      // meanwhile), or, once its attempts are used up, fail it for the resend sweep to take up later.
      const delay = retryDelayMs(job.attemptsStarted, deps.config.telegram.delivery);
      if (delay === null) throw error;
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  },
});
