import type { Knex } from 'knex';

/**
 * Integer ids are allocated on the write side (clients of the original send `resume_used: 1`).
 * They live in sequences that no read-model rebuild touches.
 */
const SEQUENCES = ['user_ids', 'resume_ids', 'job_application_ids'];

export async function up(knex: Knex): Promise<void> {
  for (const name of SEQUENCES) await knex.raw(`CREATE SEQUENCE IF NOT EXISTS ${name} AS bigint START 1`);
}

export async function down(knex: Knex): Promise<void> {
  for (const name of SEQUENCES) await knex.raw(`DROP SEQUENCE IF EXISTS ${name}`);
}
