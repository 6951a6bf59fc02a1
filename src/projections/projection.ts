import type { Knex } from 'knex';
import type { RecordedEvent } from '../eventstore/port.js';

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
export interface Projection {
  readonly name: string;
  /** Tables this read model owns (logical names). */
  readonly tables: readonly string[];
  /** Event types it reacts to; every other event only moves its checkpoint. */
  readonly handles: readonly string[];
  apply(ctx: ProjectionContext, event: RecordedEvent): Promise<void>;
}

export function contextFor(trx: Knex.Transaction, rename: (table: string) => string = (t) => t): ProjectionContext {
  return {
    trx,
    table: (name) => trx(rename(name)),
    tableName: rename,
  };
}
