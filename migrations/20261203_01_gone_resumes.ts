import type { Knex } from 'knex';

/**
 * Resumes deleted for good, as the job_applications read model remembers them: an
 * application's event that names one after its deletion stores no reference (see
 * Reference in src/projections/projection.ts). Filled from the log where the log is this
 * database's `events` table; with another store a rebuild fills it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_application_gone_resumes', (t) => {
    t.bigInteger('resume_id').primary();
  });
  await knex.raw(`INSERT INTO job_application_gone_resumes (resume_id)
    SELECT DISTINCT (data->>'id')::bigint FROM events WHERE type = 'ResumeDeleted' ON CONFLICT DO NOTHING`);
  await knex.raw(`UPDATE job_applications SET resume_used = NULL WHERE resume_used IN (SELECT resume_id FROM job_application_gone_resumes)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_application_gone_resumes');
}
