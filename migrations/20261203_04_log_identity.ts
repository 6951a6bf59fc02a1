import type { Knex } from 'knex';

/**
 * Which event log a checkpoint belongs to. `event_log_identity` holds the PostgreSQL log's id
 * (one row, written by the event store on first use); `projection_checkpoints.log_id` names the
 * log a checkpoint's position was read from, and `refused` why a projector refused it (until a
 * rebuild writes a checkpoint of the current log). Checkpoints from before this migration have
 * no log id: the projector adopts them if they are not beyond the head of the log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_log_identity', (t) => {
    t.boolean('one').primary().defaultTo(true);
    t.uuid('log_id').notNullable();
  });
  await knex.raw('ALTER TABLE event_log_identity ADD CONSTRAINT event_log_identity_one_row CHECK (one)');
  await knex.schema.alterTable('projection_checkpoints', (t) => {
    t.text('log_id');
    t.text('refused');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('projection_checkpoints', (t) => {
    t.dropColumn('log_id');
    t.dropColumn('refused');
  });
  await knex.schema.dropTable('event_log_identity');
}
