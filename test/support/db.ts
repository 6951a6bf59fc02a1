import pg from 'pg';
import path from 'node:path';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { createKnex, migrateToLatest } from '../../src/db/knex.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embeddedPostgres.js';
import { freePort } from './net.js';

/**
 * Every test run gets its own freshly migrated database, dropped after, on the server
 * named by TEST_DATABASE_URL or DATABASE_URL; with neither, the local PostgreSQL on 5432,
 * or, on a machine with only Node, an embedded PostgreSQL under .data/test-postgres.
 */
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
let serverUrl: string | undefined = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
let embedded: EmbeddedDatabase | undefined;
let runDatabaseUrl: string | undefined;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function server(): Promise<string> {
  if (serverUrl) return serverUrl;
  if (await answers(DEFAULT_SERVER)) return (serverUrl = DEFAULT_SERVER);
  console.warn('    No PostgreSQL at 127.0.0.1:5432 and no DATABASE_URL: starting an embedded PostgreSQL for the tests');
  embedded = await startEmbeddedPostgres({
    dataDir: path.resolve('.data', 'test-postgres'),
    port: await freePort(),
    logger: pino({ level: 'warn' }),
  });
  return (serverUrl = embedded.url);
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await server() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(prefix = 'resumate_test'): Promise<{ url: string; name: string }> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(await server(), name);
  const db = createKnex(url, { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return { url, name };
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Stops the embedded server if this run started one. */
export async function stopEmbeddedServer(): Promise<void> {
  await embedded?.stop();
  embedded = undefined;
}

/** The migrated database of this test run (created by the root hooks). */
export function testDatabaseUrl(): string {
  if (!runDatabaseUrl) throw new Error('test database not created: is test/support/hooks.ts loaded?');
  return runDatabaseUrl;
}

export function setRunDatabaseUrl(url: string | undefined): void {
  runDatabaseUrl = url;
}
