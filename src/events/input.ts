import { z } from 'zod';

const id = z.string().min(1).max(200);
const attributes = z.record(z.string(), z.unknown());

/** One activity event; `id` is the sender's idempotency key. */
export const eventSchema = z.strictObject({
  id,
  tenantId: id,
  userId: id.nullable().optional(),
  type: z.string().min(1).max(100),
  time: z.iso.datetime({ offset: true }),
  properties: attributes.default({}),
});
export type EventInput = z.output<typeof eventSchema>;

/** A batch is all or nothing: one bad event rejects it, named by its index. */
export const eventBatchSchema = z.strictObject({ events: z.array(eventSchema).min(1, 'the batch is empty').max(10_000) });

export const tenantSchema = z.strictObject({
  id,
  name: z.string().min(1).max(500),
  plan: z.string().min(1).max(100).optional(),
  seats: z.number().int().min(0).max(10_000_000).optional(),
  attributes: attributes.optional(),
});
export type TenantInput = z.output<typeof tenantSchema>;
export const tenantBatchSchema = z.strictObject({ tenants: z.array(tenantSchema).min(1, 'the batch is empty').max(5000) });

export const userSchema = z.strictObject({
  id,
  tenantId: id,
  email: z.string().max(500).optional(),
  name: z.string().max(500).optional(),
  attributes: attributes.optional(),
});
export type UserInput = z.output<typeof userSchema>;
export const userBatchSchema = z.strictObject({ users: z.array(userSchema).min(1, 'the batch is empty').max(5000) });

/** A bad record in a batch, with the field named the way the sender wrote it (`events[3].time`). */
export class IngestInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** `['events', 3, 'time']` → `events[3].time`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The first repeated id of a batch that is upserted (a row cannot be updated twice by one statement). */
export function firstRepeatedId(items: readonly { id: string }[], list: string): IngestInputError | null {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const first = seen.get(item.id);
    if (first !== undefined) return new IngestInputError(`${list}[${i}].id: ${item.id} repeats ${list}[${first}]`, `${list}[${i}].id`);
    seen.set(item.id, i);
  }
  return null;
}
