import type { Kysely } from 'kysely';

/**
 * Approvals for outside systems: who filed a request (token id, person),
 * where its outcome is POSTed, an evaluator's verdict, why an approval was
 * refused at use; the person behind each decision (four eyes by identity);
 * and one row per decision webhook event, delivered exactly once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('approval_requests')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('internal'))
    .addColumn('title', 'text')
    .addColumn('requester_person', 'text')
    .addColumn('client_id', 'text')
    .addColumn('callback_url', 'text')
    .addColumn('use_refused', 'text')
    .addColumn('evaluation', 'jsonb')
    .execute();
  await db.schema.createIndex('approval_requests_client').on('approval_requests').columns(['client_id', 'created_at']).execute();
  await db.schema.alterTable('approval_decisions').addColumn('actor_person', 'text').execute();

  await db.schema
    .createTable('approval_webhooks')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('approval_requests.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('approval_webhooks_request').on('approval_webhooks').column('request_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('approval_webhooks').execute();
  await db.schema.alterTable('approval_decisions').dropColumn('actor_person').execute();
  await db.schema.dropIndex('approval_requests_client').execute();
  for (const column of ['evaluation', 'use_refused', 'callback_url', 'client_id', 'requester_person', 'title', 'source']) {
    await db.schema.alterTable('approval_requests').dropColumn(column).execute();
  }
}
