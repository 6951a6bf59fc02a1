import pg from 'pg';
import type { ProjectionContext, Row } from './projection.js';

export type Counters = Record<string, number>;

/**
 * The set-based statements a batch's merged changes become. Rows travel as one JSON array
 * read by json_populate_recordset(NULL::table, …): each value takes its column's type from the
 * table itself (as a bound text parameter would), whatever the table, with one parameter.
 */
const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;
const list = (columns: readonly string[], prefix = ''): string => columns.map((c) => prefix + quote(c)).join(', ');
const rowsOf = (table: string): string => `json_populate_recordset(NULL::${quote(table)}, ?) AS v`;
const matches = (columns: readonly string[]): string => columns.map((c) => `t.${quote(c)} = v.${quote(c)}`).join(' AND ');

/**
 * Rows per statement. PostgreSQL reads a huge array or JSON parameter much more slowly per row
 * than a modest one (measured: 65k rows in one statement took 3-4× as long as in chunks of 2,000).
 */
const ROWS_PER_STATEMENT = 1000;

/** Items grouped by the columns they carry, each group cut into statements of ROWS_PER_STATEMENT. */
function byColumns<T>(items: readonly T[], columnsOf: (item: T) => string[]): { columns: string[]; items: T[] }[] {
  const groups = new Map<string, { columns: string[]; items: T[] }[]>();
  for (const item of items) {
    const columns = columnsOf(item);
    const signature = columns.join('\u0000');
    const chunks = groups.get(signature) ?? [];
    let last = chunks[chunks.length - 1];
    if (!last || last.items.length >= ROWS_PER_STATEMENT) chunks.push((last = { columns, items: [] }));
    last.items.push(item);
    groups.set(signature, chunks);
  }
  return [...groups.values()].flat();
}

export async function writeClears(ctx: ProjectionContext, table: string, column: string, values: readonly string[]): Promise<void> {
  if (values.length === 0) return;
  const rows = JSON.stringify(values.map((value) => ({ [column]: value })));
  // `= ANY(ARRAY(…))`, not `IN (SELECT …)`: the planner cannot see how few values a function
  // returns and hash-joins a sequential scan of the whole table (57 ms against 0.1 ms with the
  // column's index, measured on 222k applications).
  await ctx.write(`UPDATE ${quote(table)} SET ${quote(column)} = NULL WHERE ${quote(column)} = ANY(ARRAY(SELECT v.${quote(column)} FROM ${rowsOf(table)}))`, [rows]);
}

export async function writeDeletes(ctx: ProjectionContext, table: string, keys: readonly Row[]): Promise<void> {
  for (const { columns, items } of byColumns(keys, Object.keys)) {
    await ctx.write(`DELETE FROM ${quote(table)} AS t USING ${rowsOf(table)} WHERE ${matches(columns)}`, [JSON.stringify(items)]);
  }
}

export async function writeSets(ctx: ProjectionContext, table: string, sets: readonly { key: Row; set: Row }[]): Promise<void> {
  const groups = byColumns(sets, (s) => [...Object.keys(s.key), '\u0000', ...Object.keys(s.set).filter((c) => !(c in s.key))]);
  for (const { columns, items } of groups) {
    const split = columns.indexOf('\u0000');
    const keys = columns.slice(0, split);
    const assignments = columns.slice(split + 1).map((c) => `${quote(c)} = v.${quote(c)}`);
    if (assignments.length === 0) continue;
    const rows = JSON.stringify(items.map((s) => ({ ...s.set, ...s.key })));
    await ctx.write(`UPDATE ${quote(table)} AS t SET ${assignments.join(', ')} FROM ${rowsOf(table)} WHERE ${matches(keys)}`, [rows]);
  }
}

/**
 * Inserted rows travel as the text of the table's own row type, one JSON string each:
 * PostgreSQL reads that several times faster than json_populate_recordset (a jsonb column
 * inside JSON is converted twice), and inserts are most of a rebuild's rows.
 */
export async function writeInserts(ctx: ProjectionContext, table: string, inserts: readonly { row: Row; conflict: readonly string[] }[]): Promise<void> {
  if (inserts.length === 0) return;
  const order = await columnOrder(ctx, table);
  const groups = byColumns(inserts, (p) => [...p.conflict, '\u0000', ...Object.keys(p.row).filter((c) => p.row[c] !== undefined)]);
  for (const { columns, items } of groups) {
    const split = columns.indexOf('\u0000');
    const written = columns.slice(split + 1);
    // OFFSET 0 keeps the cast in the subquery: inlined, it would run once per column.
    await ctx.write(
      `INSERT INTO ${quote(table)} (${list(written)}) SELECT ${list(written, '(x.r).')} ` +
        `FROM (SELECT e::${quote(table)} AS r FROM json_array_elements_text(?::json) AS e OFFSET 0) AS x ` +
        `ON CONFLICT (${list(columns.slice(0, split))}) DO NOTHING`,
      [JSON.stringify(items.map((p) => recordText(order, p.row)))],
    );
  }
}

const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;
const SPECIAL = /["\\]/g;

/** A row as its row type's text: each value as the text pg would bind it, absent ones NULL. */
function recordText(order: readonly string[], row: Row): string {
  let text = '(';
  for (let i = 0; i < order.length; i++) {
    if (i > 0) text += ',';
    const value = prepareValue(row[order[i]!]);
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`binary values are not supported (column ${order[i]})`);
    text += value.includes('"') || value.includes('\\') ? `"${value.replace(SPECIAL, '\\$&')}"` : `"${value}"`;
  }
  return `${text})`;
}

/** Column names in the table's order, once per context (a rebuild's lives for the whole load). */
const orders = new WeakMap<ProjectionContext, Map<string, Promise<string[]>>>();
function columnOrder(ctx: ProjectionContext, table: string): Promise<string[]> {
  let known = orders.get(ctx);
  if (!known) orders.set(ctx, (known = new Map()));
  let order = known.get(table);
  if (!order) {
    order = ctx.trx
      .raw('SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum', [quote(table)])
      .then((result: { rows: { attname: string }[] }) => result.rows.map((r) => r.attname));
    known.set(table, order);
  }
  return order;
}

export async function writeAdds(ctx: ProjectionContext, table: string, adds: readonly { key: Row; add: Counters }[]): Promise<void> {
  const groups = byColumns(adds, (a) => [...Object.keys(a.key), '\u0000', ...Object.keys(a.add)]);
  for (const { columns, items } of groups) {
    const split = columns.indexOf('\u0000');
    const keys = columns.slice(0, split);
    const counters = columns.slice(split + 1);
    const written = list([...keys, ...counters]);
    const increments = counters.map((c) => `${quote(c)} = t.${quote(c)} + EXCLUDED.${quote(c)}`).join(', ');
    await ctx.write(
      `INSERT INTO ${quote(table)} AS t (${written}) SELECT ${written} FROM ${rowsOf(table)} ON CONFLICT (${list(keys)}) DO UPDATE SET ${increments}`,
      [JSON.stringify(items.map((a) => ({ ...a.add, ...a.key })))],
    );
  }
}
