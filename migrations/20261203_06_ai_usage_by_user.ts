import type { Knex } from 'knex';

/**
 * The days each signed-in user generated on (read model ai_usage_by_user): the personal data
 * export reads those days' quota streams only. The projector fills it from the log on its
 * first start, as it does any read model without a checkpoint.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ai_usage_by_user', (t) => {
    t.integer('user_id').notNullable();
    t.date('day').notNullable();
    t.integer('reserved').notNullable().defaultTo(0);
    t.integer('released').notNullable().defaultTo(0);
    t.primary(['user_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ai_usage_by_user');
}
