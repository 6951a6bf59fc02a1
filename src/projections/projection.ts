import type { DomainEvent, LogEvent } from '../eventstore/port.js';

/**
 * One read model, as data: which events it reacts to and what each one changes — rows to
 * insert, set, delete or count, references to clear. It holds no I/O: the writer
 * (writer/batchWriter.ts) turns the changes of a batch into a few statements with fixed SQL
 * text and the data as bind parameters or COPY rows, the same way for the live projector
 * and the rebuild. A read model reads only its event (type, data, position, stream), so
 * replaying the log always rebuilds identical tables.
 */
export interface Projection<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  /** Tables this read model owns (logical names). */
  readonly tables: readonly string[];
  /** Event types it reacts to; every other event only moves its checkpoint. */
  readonly handles: readonly E['type'][];
  /** What an event changes, in order; empty when it changes nothing here. */
  changesOf(event: LogEvent<E>): readonly Change[];
  /**
   * Columns that name rows which can disappear for good (a deleted resume): a `clear` of one
   * of their values is remembered in `gone`, and a later insert or set of that value stores
   * NULL instead, whatever order the log brings the two in.
   */
  readonly references?: readonly Reference[];
}

/** Column values as JSON carries them to PostgreSQL (a jsonb column takes the value itself, not its JSON text). */
export type Row = Record<string, unknown>;

export type Change =
  /** INSERT … ON CONFLICT (conflict) DO NOTHING: a replayed creation is a no-op. */
  | { kind: 'insert'; table: string; row: Row; conflict: readonly string[] }
  /** UPDATE table SET … WHERE key: a no-op when the row does not exist. */
  | { kind: 'set'; table: string; key: Row; set: Row }
  /** DELETE FROM table WHERE key. */
  | { kind: 'delete'; table: string; key: Row }
  /** Counters of the row at key, created with them (other columns at their defaults) when missing. */
  | { kind: 'add'; table: string; key: Row; add: Readonly<Record<string, number>> }
  /** DELETE FROM table WHERE column = value: every row of an erased owner, whatever its key. */
  | { kind: 'deleteWhere'; table: string; column: string; value: string | number }
  /** UPDATE table SET column = NULL WHERE column = value: what a deleted row's references become. */
  | { kind: 'clear'; table: string; column: string; value: string | number };

export type RowInsert = Extract<Change, { kind: 'insert' }>;
export type RowPatch = Exclude<Change, RowInsert>;

/** A column whose cleared values are kept in `gone.table` (one column, `gone.column`, its primary key). */
export interface Reference {
  table: string;
  column: string;
  gone: { table: string; column: string };
}

/** Erases a projection's event type for the runtime, which only hands it the types it handles. */
export const anyProjection = <E extends DomainEvent>(p: Projection<E>): Projection => p as unknown as Projection;
