import type { Reference, Row, RowInsert, RowPatch } from '../projection.js';
import { addStatements, clearStatement, deleteStatements, deleteWhereStatement, goneStatement, insertStatements, setStatements, type Counters, type Statement } from './statements.js';

/** Where a flush's statements go, and how the tables are named there. */
export interface FlushTarget {
  /** The physical name of a logical table (a rebuild writes fresh copies). */
  tableName(table: string): string;
  /** Statements to run before rows of a physical table are looked up by `column` other than by key. */
  lookingUpBy?(table: string, column: string): readonly string[];
  steps: Statement[];
}

/** A row inserted in this batch, with the ordinal of each column's last write (for clears). */
interface PendingRow {
  row: Row;
  conflict: readonly string[];
  insertedAt: number;
  writtenAt: Record<string, number>;
}

/** The merged columns to set on a row written before this batch. */
interface PendingSet {
  key: Row;
  set: Row;
  writtenAt: Record<string, number>;
}

/** One table's net change since the last flush. */
class TableChanges {
  readonly inserts = new Map<string | number, PendingRow>();
  readonly sets = new Map<string | number, PendingSet>();
  readonly deletes = new Map<string | number, Row>();
  /** column -> values whose rows go (DELETE … WHERE column = value). */
  readonly deleteWheres = new Map<string, Set<string | number>>();
  readonly adds = new Map<string | number, { key: Row; add: Counters }>();
  /** column -> value (as text) -> ordinal of its last clear. */
  readonly clears = new Map<string, Map<string, number>>();

  get empty(): boolean {
    return this.inserts.size + this.sets.size + this.deletes.size + this.deleteWheres.size + this.adds.size + this.clears.size === 0;
  }
}

/** A row key as a Map key: a one-column integer key as itself (most keys), others as their values' JSON. */
const keyOfValues = (values: readonly unknown[]): string | number =>
  values.length === 1 && Number.isSafeInteger(values[0]) ? (values[0] as number) : JSON.stringify(values);

const keyOf = (key: Row): string | number => keyOfValues(Object.values(key));
const keyOfColumns = (row: Row, columns: readonly string[]): string | number => keyOfValues(columns.map((c) => row[c]));

/**
 * A batch's inserts and patches, merged in log order: a patch of a row inserted in the batch
 * changes the pending row, patches of older rows merge per key (later wins), counters add up,
 * and a clear (UPDATE … SET c = NULL WHERE c = v) nulls the pending values it reaches and
 * runs before the other writes, which it commutes with. `flush` writes each table as
 * clears, deletes, sets, inserts, counters: the order that gives the log's result.
 * `insert`/`patch` return false when the change cannot be merged; flush, then add it again.
 */
export class PendingChanges {
  private readonly tables = new Map<string, TableChanges>();
  private ordinal = 0;

  constructor(private readonly references: readonly Reference[] = []) {}

  insert({ table, row, conflict }: RowInsert): boolean {
    const changes = this.changesOf(table);
    const key = keyOfColumns(row, conflict);
    if (changes.adds.size > 0 || changes.sets.has(key)) return false; // the row exists: let the conflict decide
    if (!changes.inserts.has(key)) changes.inserts.set(key, { row, conflict, insertedAt: ++this.ordinal, writtenAt: {} });
    return true;
  }

  patch(patch: RowPatch): boolean {
    const changes = this.changesOf(patch.table);
    const at = ++this.ordinal;
    if (patch.kind === 'add') {
      if (changes.inserts.size + changes.sets.size + changes.deletes.size + changes.deleteWheres.size + changes.clears.size > 0) return false;
      const key = keyOf(patch.key);
      const entry = changes.adds.get(key) ?? { key: patch.key, add: {} };
      for (const [column, n] of Object.entries(patch.add)) entry.add[column] = (entry.add[column] ?? 0) + n;
      changes.adds.set(key, entry);
      return true;
    }
    if (changes.adds.size > 0) return false;
    if (patch.kind === 'deleteWhere') {
      // Pending rows it could reach are written first: it runs before this flush's other writes.
      if (changes.inserts.size + changes.sets.size > 0) return false;
      const values = changes.deleteWheres.get(patch.column) ?? new Set<string | number>();
      values.add(patch.value);
      changes.deleteWheres.set(patch.column, values);
      return true;
    }
    if (patch.kind === 'clear') {
      const reference = this.references.find((r) => r.table === patch.table && r.column === patch.column);
      if (reference && !this.insert({ kind: 'insert', table: reference.gone.table, row: { [reference.gone.column]: patch.value }, conflict: [reference.gone.column] })) return false;
      const values = changes.clears.get(patch.column) ?? new Map<string, number>();
      values.set(String(patch.value), at);
      changes.clears.set(patch.column, values);
      return true;
    }
    const key = keyOf(patch.key);
    if (patch.kind === 'delete') {
      changes.inserts.delete(key);
      changes.sets.delete(key);
      changes.deletes.set(key, patch.key);
      return true;
    }
    const inserted = changes.inserts.get(key);
    if (inserted) return merge(inserted.row, inserted.writtenAt, patch.set, at);
    if (changes.deletes.has(key)) return true; // the row is gone: an UPDATE would change nothing
    const entry = changes.sets.get(key) ?? { key: patch.key, set: {}, writtenAt: {} };
    changes.sets.set(key, entry);
    return merge(entry.set, entry.writtenAt, patch.set, at);
  }

  /**
   * Appends the statements that write everything pending, and forgets it. After the tables,
   * each reference written in this flush is nulled where its value is gone (see Reference):
   * the gone rows of this flush were written with the tables.
   */
  flush(target: FlushTarget): void {
    const written = new Map<Reference, unknown[]>();
    for (const [table, changes] of this.tables) {
      if (changes.empty) continue;
      const name = target.tableName(table);
      for (const [column, values] of changes.clears) {
        applyClears(changes, column, values);
        target.steps.push(...lookups(target, name, column), clearStatement(name, column, [...values.keys()]));
      }
      for (const [column, values] of changes.deleteWheres) {
        target.steps.push(...lookups(target, name, column), deleteWhereStatement(name, column, [...values]));
      }
      target.steps.push(...deleteStatements(name, [...changes.deletes.values()]));
      target.steps.push(...setStatements(name, [...changes.sets.values()]));
      target.steps.push(...insertStatements(name, [...changes.inserts.values()]));
      target.steps.push(...addStatements(name, [...changes.adds.values()]));
      for (const reference of this.references) {
        if (reference.table === table) written.set(reference, valuesWritten(changes, reference.column));
      }
    }
    for (const [reference, values] of written) {
      if (values.length === 0) continue;
      const name = target.tableName(reference.table);
      const gone = { table: target.tableName(reference.gone.table), column: reference.gone.column };
      target.steps.push(...lookups(target, name, reference.column), goneStatement(name, reference.column, gone, values));
    }
    this.tables.clear();
  }

  private changesOf(table: string): TableChanges {
    let changes = this.tables.get(table);
    if (!changes) this.tables.set(table, (changes = new TableChanges()));
    return changes;
  }
}

function merge(target: Row, writtenAt: Record<string, number>, set: Row, at: number): true {
  for (const [column, value] of Object.entries(set)) {
    target[column] = value;
    writtenAt[column] = at;
  }
  return true;
}

/** Nulls the pending values a later clear reached; the clear's own statement covers the table's rows. */
function applyClears(changes: TableChanges, column: string, clearedAt: ReadonlyMap<string, number>): void {
  const reached = (value: unknown, writtenAt: number) => value !== null && value !== undefined && (clearedAt.get(String(value)) ?? 0) > writtenAt;
  for (const p of changes.inserts.values()) {
    if (reached(p.row[column], p.writtenAt[column] ?? p.insertedAt)) p.row[column] = null;
  }
  for (const s of changes.sets.values()) {
    if (column in s.set && reached(s.set[column], s.writtenAt[column]!)) s.set[column] = null;
  }
}

const lookups = (target: FlushTarget, table: string, column: string): Statement[] =>
  (target.lookingUpBy?.(table, column) ?? []).map((text) => ({ text, values: [] }));

/** The distinct non-null values a flush writes to `column` (inserted rows and sets). */
function valuesWritten(changes: TableChanges, column: string): unknown[] {
  const values = new Set<unknown>();
  for (const p of changes.inserts.values()) if (p.row[column] !== null && p.row[column] !== undefined) values.add(p.row[column]);
  for (const s of changes.sets.values()) if (s.set[column] !== null && s.set[column] !== undefined) values.add(s.set[column]);
  return [...values];
}
