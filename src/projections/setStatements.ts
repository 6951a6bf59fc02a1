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

/** Items grouped by the columns they carry, so each group is one statement. */
function byColumns<T>(items: readonly T[], columnsOf: (item: T) => string[]): Map<string, { columns: string[]; items: T[] }> {
  const groups = new Map<string, { columns: string[]; items: T[] }>();
  for (const item of items) {
    const columns = columnsOf(item);
    const signature = columns.join('\u0000');
    const group = groups.get(signature) ?? { columns, items: [] };
    group.items.push(item);
    groups.set(signature, group);
  }
  return groups;
}

export async function writeClears(ctx: ProjectionContext, table: string, column: string, values: readonly string[]): Promise<void> {
  if (values.length === 0) return;
  const rows = JSON.stringify(values.map((value) => ({ [column]: value })));
  await ctx.write(`UPDATE ${quote(table)} SET ${quote(column)} = NULL WHERE ${quote(column)} IN (SELECT v.${quote(column)} FROM ${rowsOf(table)})`, [rows]);
}

export async function writeDeletes(ctx: ProjectionContext, table: string, keys: readonly Row[]): Promise<void> {
  for (const { columns, items } of byColumns(keys, Object.keys).values()) {
    await ctx.write(`DELETE FROM ${quote(table)} AS t USING ${rowsOf(table)} WHERE ${matches(columns)}`, [JSON.stringify(items)]);
  }
}

export async function writeSets(ctx: ProjectionContext, table: string, sets: readonly { key: Row; set: Row }[]): Promise<void> {
  const groups = byColumns(sets, (s) => [...Object.keys(s.key), '\u0000', ...Object.keys(s.set).filter((c) => !(c in s.key))]);
  for (const { columns, items } of groups.values()) {
    const split = columns.indexOf('\u0000');
    const keys = columns.slice(0, split);
    const assignments = columns.slice(split + 1).map((c) => `${quote(c)} = v.${quote(c)}`);
    if (assignments.length === 0) continue;
    const rows = JSON.stringify(items.map((s) => ({ ...s.set, ...s.key })));
    await ctx.write(`UPDATE ${quote(table)} AS t SET ${assignments.join(', ')} FROM ${rowsOf(table)} WHERE ${matches(keys)}`, [rows]);
  }
}

export async function writeInserts(ctx: ProjectionContext, table: string, inserts: readonly { row: Row; conflict: readonly string[] }[]): Promise<void> {
  const groups = byColumns(inserts, (p) => [...p.conflict, '\u0000', ...Object.keys(p.row).filter((c) => p.row[c] !== undefined)]);
  for (const { columns, items } of groups.values()) {
    const split = columns.indexOf('\u0000');
    const written = list(columns.slice(split + 1));
    await ctx.write(
      `INSERT INTO ${quote(table)} (${written}) SELECT ${written} FROM ${rowsOf(table)} ON CONFLICT (${list(columns.slice(0, split))}) DO NOTHING`,
      [JSON.stringify(items.map((p) => p.row))],
    );
  }
}

export async function writeAdds(ctx: ProjectionContext, table: string, adds: readonly { key: Row; add: Counters }[]): Promise<void> {
  const groups = byColumns(adds, (a) => [...Object.keys(a.key), '\u0000', ...Object.keys(a.add)]);
  for (const { columns, items } of groups.values()) {
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
