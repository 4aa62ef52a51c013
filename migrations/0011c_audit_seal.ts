import { type Kysely, sql } from 'kysely';

/**
 * The audit chain is sealed in batches (issue 11): an entry is written with its
 * transaction (`id` from a sequence, no chain position yet), and a sealer later
 * gives the entries committed since the last seal their `seq`, `prev_hash` and
 * `hash`, many at a time under the chain's lock. Appending under that lock held it
 * through every appender's commit, one fsync after another, and capped the whole
 * service at one audited transaction per commit time.
 *
 * The table stays append-only: the trigger lets an entry be sealed once (seq,
 * prev_hash, hash set from null, nothing else changed), and refuses every other
 * update and every delete, sealed or not.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
  await sql`alter table audit_log add column id bigint`.execute(db);
  await sql`update audit_log set id = seq`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_change`.execute(db);
  await sql`create sequence audit_log_id_seq owned by audit_log.id`.execute(db);
  await sql`select setval('audit_log_id_seq', coalesce((select max(id) from audit_log), 0) + 1, false)`.execute(db);
  await sql`alter table audit_log alter column id set default nextval('audit_log_id_seq'), alter column id set not null`.execute(db);
  await sql`alter table audit_log drop constraint audit_log_pkey`.execute(db);
  await sql`alter table audit_log add constraint audit_log_pkey primary key (id)`.execute(db);
  await sql`alter table audit_log add constraint audit_log_seq unique (seq)`.execute(db);
  await sql`alter table audit_log alter column seq drop not null, alter column prev_hash drop not null, alter column hash drop not null`.execute(db);
  await sql`alter table audit_log add constraint audit_log_sealed_whole check ((seq is null) = (hash is null) and (seq is null) = (prev_hash is null))`.execute(
    db,
  );
  await sql`create index audit_log_unsealed on audit_log (id) where seq is null`.execute(db);
  await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.seq is null and new.seq is not null
        and (new.id, new.at, new.trace_id, new.actor, new.channel, new.action, new.subject_type, new.subject_id, new.data)
          is not distinct from (old.id, old.at, old.trace_id, old.actor, old.channel, old.action, old.subject_type, old.subject_id, old.data)
      then return new; end if;
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  await sql`drop index audit_log_unsealed`.execute(db);
  await sql`alter table audit_log drop constraint audit_log_sealed_whole`.execute(db);
  await sql`alter table audit_log drop constraint audit_log_pkey`.execute(db);
  await sql`alter table audit_log drop constraint audit_log_seq`.execute(db);
  await sql`alter table audit_log add constraint audit_log_pkey primary key (seq)`.execute(db);
  await sql`alter table audit_log drop column id`.execute(db);
}
