import type { Knex } from 'knex';

/**
 * Read models `job_applications` (what the API lists; soft-deleted rows stay, flagged) and
 * `job_application_events` (one row per event of an application: the analysts' timeline).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_applications', (t) => {
    t.bigInteger('id').primary();
    t.bigInteger('user_id').notNullable();
    t.text('job_title').notNullable();
    t.text('company_name').notNullable();
    t.text('original_job_description').notNullable().defaultTo('');
    t.bigInteger('resume_used').nullable();
    t.date('date_applied').nullable();
    t.text('status').notNullable().defaultTo('Applied');
    t.text('notes').notNullable().defaultTo('');
    t.boolean('is_deleted').notNullable().defaultTo(false);
    t.boolean('is_example').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['user_id', 'is_deleted', 'created_at']);
    t.index(['resume_used']);
  });
  await knex.raw('CREATE INDEX job_applications_examples_idx ON job_applications (created_at) WHERE is_example AND NOT is_deleted');
  await knex.schema.createTable('job_application_events', (t) => {
    t.text('position').notNullable();
    t.bigInteger('application_id').notNullable();
    t.bigInteger('user_id').notNullable();
    t.text('type').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.jsonb('changes').notNullable();
    t.primary(['application_id', 'position']);
    t.index(['user_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('job_application_events');
  await knex.schema.dropTableIfExists('job_applications');
}
