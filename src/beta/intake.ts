import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { FeedbackInput } from './feedback-input.js';
import { type FeedbackRecord, insertFeedback } from './feedback-store.js';

// natural's lexicons and the sentiment model hold ~30 MB of heap once imported: the web process
// loads them on its first feedback, not at start-up (issue #16 target 5: RSS < 150 MB).
let analyzer: Promise<typeof import('./analyze-feedback.js')> | null = null;

/** Analyses feedback on intake (sentiment, category, keywords) and stores it with the result. */
export async function intakeFeedback(deps: Deps, items: readonly FeedbackInput[]): Promise<{ records: FeedbackRecord[]; stored: number }> {
  analyzer ??= import('./analyze-feedback.js');
  const { analyzeFeedback } = await analyzer;
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
