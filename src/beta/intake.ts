import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { analyzeFeedback } from './analyze-feedback.js';
import type { FeedbackInput } from './feedback-input.js';
import { type FeedbackRecord, insertFeedback } from './feedback-store.js';

/** Analyses feedback on intake (sentiment, category, keywords) and stores it with the result. */
export async function intakeFeedback(deps: Deps, items: readonly FeedbackInput[]): Promise<{ records: FeedbackRecord[]; stored: number }> {
  const records = items.map((item) => ({
    id: item.id ?? randomUUID(),
    tenantId: item.tenantId,
    userId: item.userId ?? null,
    source: item.source,
    text: item.text,
    time: item.time,
    analysis: analyzeFeedback(item.text),
  }));
  return { records, stored: await insertFeedback(deps.db, records) };
}
