import { telegramQueue } from '../queues/telegram.js';
import { defineWorker } from './define.js';

export const telegramWorker = defineWorker({
  queue: telegramQueue,
  async process({ data, deps }) {
    // Loaded on first use: grammY is only needed where Telegram messages are sent.
    const [{ createTelegramApi }, { closeRequestMessages, sendRequestMessages }] = await Promise.all([
      import('../src/telegram/api.js'),
      import('../src/telegram/notifier.js'),
    ]);
    const api = createTelegramApi(deps.config.telegram);
    if (data.step === 'close') return closeRequestMessages(deps, api, data.requestId);
    if (data.step === 'voided') return sendRequestMessages(deps, api, data.requestId, 'voided');
    return sendRequestMessages(deps, api, data.requestId, data.step === 'notify' ? 'request' : 'escalation');
  },
});
