import type { Knex } from 'knex';

/**
 * The last deciding state of a long stream, so a command reads only the events after it
 * (src/commands/handle.ts). Derived data: rows may be dropped at any time, and are ignored
 * when their `version` is not the aggregate's current one or their event is not in the log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stream_snapshots', (t) => {
    t.text('stream_id').primary();
    t.bigInteger('revision').notNullable();
    t.text('position').notNullable();
    t.integer('version').notNullable();
    t.jsonb('state').notNullable();
    t.timestamp('taken_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('stream_snapshots');
}
