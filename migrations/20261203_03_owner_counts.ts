import type { Knex } from 'knex';

/**
 * How many resumes and active job applications each user keeps, kept by the resumes and
 * job_applications read models beside their rows: the storage caps read one row instead of
 * counting a user's rows on every addition.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resume_owner_counts', (t) => {
    t.bigInteger('user_id').primary();
    t.integer('resumes').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('job_application_owner_counts', (t) => {
    t.bigInteger('user_id').primary();
    t.integer('active').notNullable().defaultTo(0);
  });
  await knex.raw('INSERT INTO resume_owner_counts (user_id, resumes) SELECT user_id, count(*) FROM resumes GROUP BY user_id');
  await knex.raw('INSERT INTO job_application_owner_counts (user_id, active) SELECT user_id, count(*) FROM job_applications WHERE NOT is_deleted GROUP BY user_id');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resume_owner_counts');
  await knex.schema.dropTable('job_application_owner_counts');
}
