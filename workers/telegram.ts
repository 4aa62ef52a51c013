import { telegramQueue } from '../queues/telegram.js';
import { createTelegramApi } from '../src/telegram/api.js';
import { closeRequestMessages, sendRequestMessages } from '../src/telegram/notifier.js';
import { defineWorker } from './define.js';

export const telegramWorker = defineWorker({
  queue: telegramQueue,
  async process({ data, deps }) {
    const api = createTelegramApi(deps.config.telegram);
    if (data.step === 'close') return closeRequestMessages(deps, api, data.requestId);
    return sendRequestMessages(deps, api, data.requestId, data.step === 'notify' ? 'request' : 'escalation');
  },
});
