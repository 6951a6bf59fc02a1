import type { Knex } from 'knex';

/** Read model `users`: who can log in, and what /api/auth/me/ shows. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.bigInteger('id').primary();
    t.text('username').notNullable();
    t.text('username_lower').notNullable().unique();
    t.text('email').notNullable();
    t.text('password_hash').notNullable();
    t.boolean('is_staff').notNullable().defaultTo(false);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamp('date_joined', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('users');
}
