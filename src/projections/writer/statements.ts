import pg from 'pg';
import type { Row } from '../projection.js';

/**
 * The statements a batch's merged changes become. Their SQL text is fixed per table and
 * shape (which columns a group of rows carries) and holds only identifiers of our own
 * schema; every value travels as a bind parameter: one JSON array of rows, read by
 * json_populate_recordset(NULL::table, $1), where each value takes its column's type from
 * the table itself. User text never appears in a statement's text.
 */
export interface Statement {
  text: string;
  values: readonly unknown[];
}

export type Counters = Record<string, number>;

const id = (identifier: string): string => pg.escapeIdentifier(identifier);
const list = (columns: readonly string[], prefix = ''): string => columns.map((c) => prefix + id(c)).join(', ');
/**
 * The rows of parameter $1, a JSON array of objects. A row holding an object (a jsonb column's
 * value) is read by `jsonb_populate_recordset`: `json_populate_recordset` takes ~21 µs of
 * PostgreSQL CPU for such a row against ~8 µs (measured on job_application_events rows), while
 * for flat rows it is the faster of the two (~8 µs against ~13 µs); for a one-row statement
 * they cost the same.
 */
const rowsOf = (table: string, nested = false): string =>
  nested ? `jsonb_populate_recordset(NULL::${id(table)}, $1::jsonb) AS v` : `json_populate_recordset(NULL::${id(table)}, $1) AS v`;

/** Whether a row holds an object or array value (the first row stands for its group: the same table and columns). */
const holdsObject = (row: Row): boolean => {
  for (const column in row) {
    const value = row[column];
    if (typeof value === 'object' && value !== null) return true;
  }
  return false;
};
const matches = (columns: readonly string[]): string => columns.map((c) => `t.${id(c)} = v.${id(c)}`).join(' AND ');

/**
 * Rows per statement. PostgreSQL reads a huge JSON parameter much more slowly per row than a
 * modest one (measured: 65k rows in one statement took 3-4× as long as in chunks of 2,000).
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

const splitAt = (columns: readonly string[]) => {
  const split = columns.indexOf('\u0000');
  return [columns.slice(0, split), columns.slice(split + 1)] as const;
};

export function clearStatement(table: string, column: string, values: readonly (string | number)[]): Statement {
  // `= ANY(ARRAY(…))`, not `IN (SELECT …)`: the planner cannot see how few values a function
  // returns and hash-joins a sequential scan of the whole table (57 ms against 0.1 ms with the
  // column's index, measured on 222k applications).
  return {
    text: `UPDATE ${id(table)} SET ${id(column)} = NULL WHERE ${id(column)} = ANY(ARRAY(SELECT v.${id(column)} FROM ${rowsOf(table)}))`,
    values: [JSON.stringify(values.map((value) => ({ [column]: value })))],
  };
}

/** Deletes every row whose `column` holds one of `values`. */
export function deleteWhereStatement(table: string, column: string, values: readonly (string | number)[]): Statement {
  return {
    text: `DELETE FROM ${id(table)} WHERE ${id(column)} = ANY(ARRAY(SELECT v.${id(column)} FROM ${rowsOf(table)}))`,
    values: [JSON.stringify(values.map((value) => ({ [column]: value })))],
  };
}

/** Nulls `column` where a row written in this flush holds a value that is gone for good. */
export function goneStatement(table: string, column: string, gone: { table: string; column: string }, values: readonly unknown[]): Statement {
  return {
    text:
      `UPDATE ${id(table)} SET ${id(column)} = NULL WHERE ${id(column)} = ANY(ARRAY(` +
      `SELECT g.${id(gone.column)} FROM ${id(gone.table)} AS g WHERE g.${id(gone.column)} = ANY(ARRAY(SELECT v.${id(gone.column)} FROM ${rowsOf(gone.table)}))))`,
    values: [JSON.stringify(values.map((value) => ({ [gone.column]: value })))],
  };
}

export function deleteStatements(table: string, keys: readonly Row[]): Statement[] {
  return byColumns(keys, (k) => shapeOfRow(k), Object.keys).map(({ columns, items }) => ({
    text: `DELETE FROM ${id(table)} AS t USING ${rowsOf(table)} WHERE ${matches(columns)}`,
    values: [JSON.stringify(items)],
  }));
}

export function setStatements(table: string, sets: readonly { key: Row; set: Row }[]): Statement[] {
  const groups = byColumns(
    sets,
    (s) => `${shapeOfRow(s.key)}\u0001${shapeOfRow(s.set, { skip: s.key })}`,
    (s) => [...Object.keys(s.key), '\u0000', ...Object.keys(s.set).filter((c) => !(c in s.key))],
  );
  return groups.flatMap(({ columns, items }) => {
    const [keys, assigned] = splitAt(columns);
    if (assigned.length === 0) return [];
    return [
      {
        text: `UPDATE ${id(table)} AS t SET ${assigned.map((c) => `${id(c)} = v.${id(c)}`).join(', ')} FROM ${rowsOf(table, holdsObject(items[0]!.set))} WHERE ${matches(keys)}`,
        values: [JSON.stringify(items.map((s) => ({ ...s.set, ...s.key })))],
      },
    ];
  });
}

/**
 * Inserts that skip taken keys. (A rebuild sends them too: with JSON.stringify building the
 * parameter and the statements pipelined, they load as fast as COPY rows did, measured, without
 * a COPY encoder of our own.)
 */
export function insertStatements(table: string, inserts: readonly { row: Row; conflict: readonly string[] }[]): Statement[] {
  const groups = byColumns(
    inserts,
    (p) => `${p.conflict.join('\u0000')}\u0001${shapeOfRow(p.row, { definedOnly: true })}`,
    (p) => [...p.conflict, '\u0000', ...Object.keys(p.row).filter((c) => p.row[c] !== undefined)],
  );
  return groups.map(({ columns, items }) => {
    const [conflict, written] = splitAt(columns);
    return {
      text: `INSERT INTO ${id(table)} (${list(written)}) SELECT ${list(written)} FROM ${rowsOf(table, holdsObject(items[0]!.row))} ON CONFLICT (${list(conflict)}) DO NOTHING`,
      values: [JSON.stringify(items.map((p) => p.row))],
    };
  });
}

export function addStatements(table: string, adds: readonly { key: Row; add: Counters }[]): Statement[] {
  const groups = byColumns(
    adds,
    (a) => `${shapeOfRow(a.key)}\u0001${shapeOfRow(a.add)}`,
    (a) => [...Object.keys(a.key), '\u0000', ...Object.keys(a.add)],
  );
  return groups.map(({ columns, items }) => {
    const [keys, counters] = splitAt(columns);
    const written = list([...keys, ...counters]);
    const increments = counters.map((c) => `${id(c)} = t.${id(c)} + EXCLUDED.${id(c)}`).join(', ');
    return {
      text: `INSERT INTO ${id(table)} AS t (${written}) SELECT ${written} FROM ${rowsOf(table)} ON CONFLICT (${list(keys)}) DO UPDATE SET ${increments}`,
      values: [JSON.stringify(items.map((a) => ({ ...a.add, ...a.key })))],
    };
  });
}
