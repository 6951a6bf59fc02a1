import type { Knex } from 'knex';
import type { DomainEvent, RecordedEvent } from '../eventstore/port.js';

/**
 * What a read model's apply() gets: the batch's transaction and its tables by logical
 * name. Going through `table()` is what lets a rebuild write the same code into fresh tables.
 */
export interface ProjectionContext {
  trx: Knex.Transaction;
  table(name: string): Knex.QueryBuilder;
  /** Physical name of a logical table, for raw SQL. */
  tableName(name: string): string;
  /** Runs a write whose result nobody reads (a rebuild may send it later, with others). */
  write(sql: string, bindings: readonly unknown[]): Promise<void>;
  /**
   * Called before a statement finds rows by `column` of the physical `table` other than by its
   * key. A rebuild builds non-unique indexes after its load, except the ones such lookups need.
   */
  lookingUpBy?(table: string, column: string): Promise<void>;
  /** Optional (a rebuild's load): rows for COPY, cheaper to send and to parse than an INSERT's. */
  copy?(rows: CopyIn): Promise<void>;
}

/** Rows in COPY's text format for the named columns, and the INSERT … ON CONFLICT DO NOTHING to run instead if a key is taken. */
export interface CopyIn {
  /** Quoted identifiers. */
  table: string;
  columns: string;
  lines: string;
  instead(): { sql: string; bindings: readonly unknown[] };
}

/**
 * One read model: event -> SQL, deterministic. It reads only its event (type, data, position,
 * stream: a rebuild reads nothing else of it) and its transaction (no clock, no cache, no other
 * table's future), so replaying the log always rebuilds identical tables.
 */
export interface Projection<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  /** Tables this read model owns (logical names). */
  readonly tables: readonly string[];
  /** Event types it reacts to; every other event only moves its checkpoint. */
  readonly handles: readonly E['type'][];
  /**
   * What an event does that is not an insert or a patch (see below), run in log order after
   * everything before it is written. Absent when every handled event is an insert or a patch.
   */
  apply?(ctx: ProjectionContext, event: RecordedEvent<E>): Promise<void>;
  /**
   * Optional: the row an event inserts when that is all it does (a fresh object: the batch
   * merges later patches into it). Consecutive such events of a batch are written as one
   * multi-row INSERT … ON CONFLICT DO NOTHING instead of one round trip each (see
   * applyBatch.ts); `apply` is used for everything else, in order.
   */
  insertOf?(event: RecordedEvent<E>): RowInsert | undefined;
  /**
   * Optional: what an event does to rows when it only changes rows by key (set columns, delete,
   * add to counters) or clears a reference. A batch merges these in memory, in log order, and
   * writes each table's net change in a few statements (see applyBatch.ts).
   */
  patchOf?(event: RecordedEvent<E>): RowPatch | undefined;
}

/** Column values as JSON carries them to PostgreSQL (a jsonb column takes the value itself, not its JSON text). */
export type Row = Record<string, unknown>;

export type RowPatch =
  /** UPDATE table SET … WHERE key: a no-op when the row does not exist. */
  | { kind: 'set'; table: string; key: Row; set: Row }
  /** DELETE FROM table WHERE key. */
  | { kind: 'delete'; table: string; key: Row }
  /** Counters of the row at key, created with them (other columns at their defaults) when missing. */
  | { kind: 'add'; table: string; key: Row; add: Readonly<Record<string, number>> }
  /** UPDATE table SET column = NULL WHERE column = value: what a deleted row's references become. */
  | { kind: 'clear'; table: string; column: string; value: string | number };

/**
 * A row inserted with INSERT … ON CONFLICT DO NOTHING. Its key is new (an aggregate creates
 * each id once): the conflict only makes a replayed event a no-op, so later patches in the
 * same batch are merged into the row before it is written.
 */
export interface RowInsert {
  table: string;
  row: Row;
  /** Columns of the unique key that makes a replayed insert a no-op. */
  conflict: readonly string[];
}

/** Erases a projection's event type for the runtime, which only hands it the types it handles. */
export const anyProjection = <E extends DomainEvent>(p: Projection<E>): Projection => p as unknown as Projection;

export function contextFor(trx: Knex.Transaction, rename: (table: string) => string = (t) => t): ProjectionContext {
  return {
    trx,
    table: (name) => trx(rename(name)),
    tableName: rename,
    write: async (sql, bindings) => {
      await trx.raw(sql, [...bindings] as Knex.RawBinding[]);
    },
  };
}
