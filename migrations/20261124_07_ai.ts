import type { Knex } from 'knex';

/** Read models `ai_models` (settings, by display name) and `ai_usage_daily` (generations per model per UTC day). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ai_models', (t) => {
    t.text('display_name_lower').primary();
    t.text('display_name').notNullable();
    t.text('model_name').notNullable();
    t.text('api_provider').notNullable();
    t.text('api_key_name').notNullable().defaultTo('');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.boolean('login_required').notNullable().defaultTo(false);
    t.integer('daily_limit').nullable();
    t.text('response_time_info').notNullable().defaultTo('');
    t.text('description').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('ai_usage_daily', (t) => {
    t.date('day').notNullable();
    t.text('model').notNullable();
    t.integer('reserved').notNullable().defaultTo(0);
    t.integer('released').notNullable().defaultTo(0);
    t.primary(['day', 'model']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ai_usage_daily');
  await knex.schema.dropTableIfExists('ai_models');
}
