import type { Knex } from 'knex';

/**
 * Crypto-shredding (src/eventstore/shredding/): one data key per data subject, wrapped by the
 * key-encryption key from configuration. Erasure sets `wrapped_key` to NULL and stamps
 * `destroyed_at`: the row stays as a tombstone, so no new key is ever made for an erased
 * subject and its sealed events stay unreadable. `log_encryption_progress` is where the
 * resumable `admin privacy encrypt-log` keeps how far it got.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_keys', (t) => {
    t.text('subject').primary();
    t.binary('wrapped_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('destroyed_at', { useTz: true });
  });
  await knex.schema.createTable('log_encryption_progress', (t) => {
    t.text('name').primary();
    t.bigInteger('last_id').notNullable();
    t.bigInteger('events_sealed').notNullable().defaultTo(0);
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('log_encryption_progress');
  await knex.schema.dropTableIfExists('data_keys');
}
