import type { Knex } from 'knex';

/** Read model `resumes`: one row per live resume (ResumeDeleted removes it; the log keeps it). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resumes', (t) => {
    t.bigInteger('id').primary();
    t.bigInteger('user_id').notNullable();
    t.text('username').notNullable();
    t.text('title').notNullable();
    t.text('content').notNullable();
    t.text('source').notNullable().defaultTo('manual');
    t.text('ai_model').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['user_id', 'updated_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('resumes');
}
