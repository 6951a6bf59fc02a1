import type pg from 'pg';

/** The SQL type of each column of each table of the schema (physical names), as the catalog spells it. */
export class ColumnTypes {
  constructor(private readonly byTable: ReadonlyMap<string, ReadonlyMap<string, string>>) {}

  /** The type of a column, to cast the text a statement's parameter carries for it; throws for a column the table lacks. */
  of(table: string, column: string): string {
    const type = this.byTable.get(table)?.get(column);
    if (type === undefined) throw new Error(`table ${table} has no column ${column} (are the migrations run?)`);
    return type;
  }
}

/**
 * Every column's type in the connection's schema, read once per writer. Taken from the catalog
 * rather than declared again beside the migrations: a migration that adds a column is all a
 * read model needs.
 */
export async function loadColumnTypes(client: pg.Client): Promise<ColumnTypes> {
  const { rows } = await client.query<{ table: string; column: string; type: string }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const byTable = new Map<string, Map<string, string>>();
  for (const { table, column, type } of rows) {
    let columns = byTable.get(table);
    if (!columns) byTable.set(table, (columns = new Map()));
    columns.set(column, type);
  }
  return new ColumnTypes(byTable);
}
