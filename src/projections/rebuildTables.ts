import type { Knex } from 'knex';
import pg from 'pg';

/** Where a rebuild writes a read model's table until the swap. */
export const rebuildTableOf = (table: string): string => `${table}__rebuild`;

/** An index of the rebuild table, and the name it takes when the table goes live. */
export interface ShadowIndex {
  temporary: string;
  live: string;
}

/** A non-unique index the load does without: built in one pass once the rows are in. */
interface DeferredIndex {
  create: string;
  /** The column it looks rows up by (null for an expression). */
  leadingColumn: string | null;
}

export interface ShadowTable {
  live: string;
  rebuild: string;
  indexes: ShadowIndex[];
  /** Not built yet; `indexesNeededFor` and `finishLoadStatements` build them. */
  deferred: DeferredIndex[];
}

interface IndexRow {
  name: string;
  definition: string;
  is_unique: boolean;
  constraint_definition: string | null;
  leading_column: string | null;
}

const quote = (identifier: string): string => pg.escapeIdentifier(identifier);

/** Rebuild tables a dead run left behind (this run holds the rebuild lock, so nobody else writes them). */
export async function dropLeftovers(db: Knex, tables: readonly string[]): Promise<void> {
  for (const table of tables) await db.raw(`DROP TABLE IF EXISTS ${quote(rebuildTableOf(table))}`);
}

/**
 * An empty copy of `table` (columns, defaults, checks) with the same indexes under temporary
 * names, so they never collide with the live ones; the swap gives them the live names back,
 * which keeps every rebuild's names identical to the migration's.
 *
 * Built for loading: unique indexes (what ON CONFLICT and updates by key use) exist from the
 * start, the others are deferred and built in one sorted pass at the end, which costs a
 * fraction of maintaining them row by row; pages are left 30 % free so that the many updates
 * of a load stay on their page without new index entries (HOT); autovacuum keeps away from a
 * table nobody reads yet. `finishLoadStatements` puts the table's settings back.
 */
export async function createShadowTable(db: Knex, table: string): Promise<ShadowTable> {
  const rebuild = rebuildTableOf(table);
  const { rows } = (await db.raw(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS is_unique,
            (SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) AS constraint_definition,
            (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]) AS leading_column
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = ?::regclass
      ORDER BY c.relname`,
    [table],
  )) as { rows: IndexRow[] };
  await db.raw(`CREATE TABLE ${quote(rebuild)} (LIKE ${quote(table)} INCLUDING ALL EXCLUDING INDEXES) WITH (${LOAD_SETTINGS.join(', ')})`);
  const indexes = rows.map((row, n) => ({ temporary: `${rebuild}_${n}`, live: row.name, row }));
  const deferred: DeferredIndex[] = [];
  for (const { temporary, row } of indexes) {
    if (row.constraint_definition) {
      await db.raw(`ALTER TABLE ${quote(rebuild)} ADD CONSTRAINT ${quote(temporary)} ${row.constraint_definition}`);
      continue;
    }
    const using = row.definition.indexOf(' USING ');
    const create = `CREATE ${row.is_unique ? 'UNIQUE ' : ''}INDEX ${quote(temporary)} ON ${quote(rebuild)}${row.definition.slice(using)}`;
    if (row.is_unique) await db.raw(create);
    else deferred.push({ create, leadingColumn: row.leading_column });
  }
  return { live: table, rebuild, indexes: indexes.map(({ temporary, live }) => ({ temporary, live })), deferred };
}

const LOAD_SETTINGS = ['fillfactor = 70', 'autovacuum_enabled = false'];

/**
 * The deferred indexes a statement about to find rows by `column` needs (a clear's
 * `WHERE column = ANY(…)` would otherwise scan the whole table each batch): built now, once.
 */
export function indexesNeededFor(shadow: ShadowTable, column: string): string[] {
  const needed = shadow.deferred.filter((d) => d.leadingColumn === column);
  shadow.deferred = shadow.deferred.filter((d) => !needed.includes(d));
  return needed.map((d) => d.create);
}

/** After the load: the deferred indexes, the table's own settings back, fresh statistics for the planner. */
export function finishLoadStatements(shadow: ShadowTable): string[] {
  const statements = [...shadow.deferred.map((d) => d.create), `ALTER TABLE ${quote(shadow.rebuild)} RESET (fillfactor, autovacuum_enabled)`, `ANALYZE ${quote(shadow.rebuild)}`];
  shadow.deferred = [];
  return statements;
}

/**
 * Inside the swap transaction, with the live table locked: the rebuild table takes its place
 * and its indexes (and the constraints they back) take the live names.
 */
export async function swapIn(client: pg.Client, shadow: ShadowTable): Promise<void> {
  await client.query(`DROP TABLE ${quote(shadow.live)}`);
  await client.query(`ALTER TABLE ${quote(shadow.rebuild)} RENAME TO ${quote(shadow.live)}`);
  for (const index of shadow.indexes) await client.query(`ALTER INDEX ${quote(index.temporary)} RENAME TO ${quote(index.live)}`);
}
