import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from '../../migrations/index.js';

/** Read models keep integer ids in bigint columns; they fit in a JS number, so parse them as one. */
function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

const readModelTypes = {
  getTypeParser: (oid: number, format: string): unknown =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text'),
};

export function createKnex(connectionString: string, pool: { min?: number; max?: number } = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, types: readModelTypes },
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    // A connection that cannot be made is rejected to the caller, who reports it once, in one line;
    // knex would also print it with a stack trace.
    log: { warn: (message: string) => void (message.startsWith('Acquire connection error') || console.warn(message)) },
  });
}

export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
