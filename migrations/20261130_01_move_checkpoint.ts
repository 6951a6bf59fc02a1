import type { Knex } from 'knex';

/**
 * The checkpoint's compare-and-set as one statement that fails when it moves nothing, so a
 * projector can send a batch's writes and its checkpoint move as one multi-statement query:
 * another projector having moved the checkpoint raises SQLSTATE RSCAS and the batch rolls back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION move_projection_checkpoint(p_name text, p_from text, p_to text) RETURNS void AS $$
    BEGIN
      UPDATE projection_checkpoints SET position = p_to, updated_at = now() WHERE name = p_name AND position = p_from;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'checkpoint of % was moved by another projector', p_name USING ERRCODE = 'RSCAS';
      END IF;
    END $$ LANGUAGE plpgsql`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS move_projection_checkpoint(text, text, text)');
}
