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

/**
 * Items grouped by the columns they carry, each group cut into statements of ROWS_PER_STATEMENT.
 * `shapeOf` names an item's columns cheaply (it runs per row); `columnsOf` lists them, once per group.
 */
function byColumns<T>(items: readonly T[], shapeOf: (item: T) => string, columnsOf: (item: T) => string[]): { columns: string[]; items: T[] }[] {
  const groups = new Map<string, { columns: string[]; items: T[] }[]>();
  for (const item of items) {
    const shape = shapeOf(item);
    let chunks = groups.get(shape);
    if (!chunks) groups.set(shape, (chunks = []));
    let last = chunks[chunks.length - 1];
    if (!last || last.items.length >= ROWS_PER_STATEMENT) chunks.push((last = { columns: columnsOf(item), items: [] }));
    last.items.push(item);
  }
  return [...groups.values()].flat();
}

/** A row's column names (those with a value, for `definedOnly`; not those in `skip`) as one string. */
function shapeOfRow(row: Row, { skip, definedOnly = false }: { skip?: Row; definedOnly?: boolean } = {}): string {
  let shape = '';
  for (const column in row) {
    if ((definedOnly && row[column] === undefined) || (skip && column in skip)) continue;
    shape += `${column}\u0000`;
  }
  return shape;
}

export async function writeClears(ctx: ProjectionContext, table: string, column: string, values: readonly string[]): Promise<void> {
  if (values.length === 0) return;
  const rows = JSON.stringify(values.map((value) => ({ [column]: value })));
  await ctx.lookingUpBy?.(table, column);
  // `= ANY(ARRAY(…))`, not `IN (SELECT …)`: the planner cannot see how few values a function
  // returns and hash-joins a sequential scan of the whole table (57 ms against 0.1 ms with the
  // column's index, measured on 222k applications).
  await ctx.write(`UPDATE ${quote(table)} SET ${quote(column)} = NULL WHERE ${quote(column)} = ANY(ARRAY(SELECT v.${quote(column)} FROM ${rowsOf(table)}))`, [rows]);
}

export async function writeDeletes(ctx: ProjectionContext, table: string, keys: readonly Row[]): Promise<void> {
  for (const { columns, items } of byColumns(keys, (k) => shapeOfRow(k), Object.keys)) {
    await ctx.write(`DELETE FROM ${quote(table)} AS t USING ${rowsOf(table)} WHERE ${matches(columns)}`, [JSON.stringify(items)]);
  }
}

export async function writeSets(ctx: ProjectionContext, table: string, sets: readonly { key: Row; set: Row }[]): Promise<void> {
  const groups = byColumns(
    sets,
    (s) => `${shapeOfRow(s.key)}\u0001${shapeOfRow(s.set, { skip: s.key })}`,
    (s) => [...Object.keys(s.key), '\u0000', ...Object.keys(s.set).filter((c) => !(c in s.key))],
  );
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
  const groups = byColumns(
    inserts,
    (p) => `${p.conflict.join('\u0000')}\u0001${shapeOfRow(p.row, { definedOnly: true })}`,
    (p) => [...p.conflict, '\u0000', ...Object.keys(p.row).filter((c) => p.row[c] !== undefined)],
  );
  for (const { columns, items } of groups) {
    const split = columns.indexOf('\u0000');
    const written = columns.slice(split + 1);
    const insert = () => ({
      // OFFSET 0 keeps the cast in the subquery: inlined, it would run once per column.
      sql:
        `INSERT INTO ${quote(table)} (${list(written)}) SELECT ${list(written, '(x.r).')} ` +
        `FROM (SELECT e::${quote(table)} AS r FROM json_array_elements_text(?::json) AS e OFFSET 0) AS x ` +
        `ON CONFLICT (${list(columns.slice(0, split))}) DO NOTHING`,
      bindings: [JSON.stringify(items.map((p) => recordText(order, p.row)))],
    });
    if (ctx.copy) await ctx.copy({ table: quote(table), columns: list(written), lines: copyLines(written, items), instead: insert });
    else {
      const { sql, bindings } = insert();
      await ctx.write(sql, bindings);
    }
  }
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Rows in COPY's text format: values as pg would bind them, tab-separated, \N for NULL. Joined
 * from an array, not grown with +=: a long chain of concatenations must be flattened again
 * before it is encoded, which cost more than building it.
 */
function copyLines(columns: readonly string[], items: readonly { row: Row }[]): string {
  const fields: string[] = [];
  for (const { row } of items) {
    for (let i = 0; i < columns.length; i++) {
      const raw = row[columns[i]!];
      // Numbers and booleans print as pg prints them and need no escaping: the common case, cheaply.
      const value = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : prepareValue(raw);
      if (value === null || value === undefined) fields.push('\\N');
      else if (typeof value !== 'string') throw new Error(`binary values are not supported (column ${columns[i]})`);
      else if (typeof raw === 'number' || typeof raw === 'boolean' || !COPY_SPECIAL.test(value)) fields.push(value);
      else fields.push(value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!));
      fields.push(i === columns.length - 1 ? '\n' : '\t');
    }
  }
  return fields.join('');
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
  const groups = byColumns(
    adds,
    (a) => `${shapeOfRow(a.key)}\u0001${shapeOfRow(a.add)}`,
    (a) => [...Object.keys(a.key), '\u0000', ...Object.keys(a.add)],
  );
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
