import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createKnex, migrateToLatest } from '../../src/db/knex.js';

/**
 * Every test run gets its own freshly migrated database on the server named by
 * TEST_DATABASE_URL or DATABASE_URL (default: the local PostgreSQL), and drops it after.
 */
const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let runDatabaseUrl: string | undefined;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(prefix = 'resumate_test'): Promise<{ url: string; name: string }> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const db = createKnex(url, { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return { url, name };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The migrated database of this test run (created by the root hooks). */
export function testDatabaseUrl(): string {
  if (!runDatabaseUrl) throw new Error('test database not created: is test/support/hooks.ts loaded?');
  return runDatabaseUrl;
}

export function setRunDatabaseUrl(url: string | undefined): void {
  runDatabaseUrl = url;
}
