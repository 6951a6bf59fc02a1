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
}

/**
 * One read model: event -> SQL, deterministic. It reads only its event and its
 * transaction (no clock, no cache, no other table's future), so replaying the log
 * always rebuilds identical tables.
 */
export interface Projection<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  /** Tables this read model owns (logical names). */
  readonly tables: readonly string[];
  /** Event types it reacts to; every other event only moves its checkpoint. */
  readonly handles: readonly E['type'][];
  apply(ctx: ProjectionContext, event: RecordedEvent<E>): Promise<void>;
  /**
   * Optional: the row an event inserts when that is all it does. Consecutive such events of a
   * batch are written as one multi-row INSERT … ON CONFLICT DO NOTHING instead of one
   * round trip each (see applyBatch.ts); `apply` is used for everything else, in order.
   */
  insertOf?(event: RecordedEvent<E>): RowInsert | undefined;
}

export interface RowInsert {
  table: string;
  row: Record<string, unknown>;
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
  };
}
