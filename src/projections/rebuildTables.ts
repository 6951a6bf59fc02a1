import type { Knex } from 'knex';

/** Where a rebuild writes a read model's table until the swap. */
export const rebuildTableOf = (table: string): string => `${table}__rebuild`;

/** An index of the rebuild table, and the name it takes when the table goes live. */
export interface ShadowIndex {
  temporary: string;
  live: string;
}

export interface ShadowTable {
  live: string;
  rebuild: string;
  indexes: ShadowIndex[];
}

interface IndexRow {
  name: string;
  definition: string;
  is_unique: boolean;
  constraint_definition: string | null;
}

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

/** Rebuild tables a dead run left behind (this run holds the rebuild lock, so nobody else writes them). */
export async function dropLeftovers(db: Knex, tables: readonly string[]): Promise<void> {
  for (const table of tables) await db.raw(`DROP TABLE IF EXISTS ${quote(rebuildTableOf(table))}`);
}

/**
 * An empty copy of `table` (columns, defaults, checks) with the same indexes under temporary
 * names, so they never collide with the live ones; the swap gives them the live names back,
 * which keeps every rebuild's names identical to the migration's.
 */
export async function createShadowTable(db: Knex, table: string): Promise<ShadowTable> {
  const rebuild = rebuildTableOf(table);
  const { rows } = (await db.raw(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS is_unique,
            (SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) AS constraint_definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = ?::regclass
      ORDER BY c.relname`,
    [table],
  )) as { rows: IndexRow[] };
  await db.raw(`CREATE TABLE ${quote(rebuild)} (LIKE ${quote(table)} INCLUDING ALL EXCLUDING INDEXES)`);
  const indexes = rows.map((row, n) => ({ temporary: `${rebuild}_${n}`, live: row.name, row }));
  for (const { temporary, row } of indexes) {
    if (row.constraint_definition) {
      await db.raw(`ALTER TABLE ${quote(rebuild)} ADD CONSTRAINT ${quote(temporary)} ${row.constraint_definition}`);
      continue;
    }
    const using = row.definition.indexOf(' USING ');
    await db.raw(`CREATE ${row.is_unique ? 'UNIQUE ' : ''}INDEX ${quote(temporary)} ON ${quote(rebuild)}${row.definition.slice(using)}`);
  }
  return { live: table, rebuild, indexes: indexes.map(({ temporary, live }) => ({ temporary, live })) };
}

/**
 * Inside the swap transaction, with the live table locked: the rebuild table takes its place
 * and its indexes (and the constraints they back) take the live names.
 */
export async function swapIn(trx: Knex.Transaction, shadow: ShadowTable): Promise<void> {
  await trx.raw(`DROP TABLE ${quote(shadow.live)}`);
  await trx.raw(`ALTER TABLE ${quote(shadow.rebuild)} RENAME TO ${quote(shadow.live)}`);
  for (const index of shadow.indexes) await trx.raw(`ALTER INDEX ${quote(index.temporary)} RENAME TO ${quote(index.live)}`);
}
