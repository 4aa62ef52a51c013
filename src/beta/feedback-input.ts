import { z } from 'zod';

/** One piece of feedback; `id` is optional and, when given, makes a resend harmless. */
export const feedbackSchema = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  tenantId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200).nullable().optional(),
  source: z.string().min(1).max(64).describe('where it came from, e.g. in_app, email, survey, support, interview'),
  text: z.string().trim().min(1).max(5000),
  time: z.iso.datetime({ offset: true }),
});
export type FeedbackInput = z.output<typeof feedbackSchema>;

export const feedbackBatchSchema = z.strictObject({ items: z.array(feedbackSchema).min(1, 'the batch is empty').max(1000) });
