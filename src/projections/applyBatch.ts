import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection, ProjectionContext, RowInsert } from './projection.js';

/** Largest multi-row INSERT; keeps the bind parameters far below PostgreSQL's 65,535. */
const MAX_ROWS_PER_INSERT = 1000;

/**
 * Applies a batch in log order. Runs of consecutive pure inserts into one table become one
 * statement; an event that needs `apply` first flushes the run before it, so order holds.
 */
export async function applyBatch(ctx: ProjectionContext, projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
  let run: { table: string; conflict: readonly string[]; rows: Record<string, unknown>[] } | undefined;
  const flush = async () => {
    if (!run) return;
    await ctx.table(run.table).insert(run.rows).onConflict([...run.conflict]).ignore();
    run = undefined;
  };
  for (const event of events) {
    const insert: RowInsert | undefined = projection.insertOf?.(event);
    if (!insert) {
      await flush();
      await projection.apply(ctx, event);
      continue;
    }
    if (run && (run.table !== insert.table || run.rows.length >= MAX_ROWS_PER_INSERT)) await flush();
    run ??= { table: insert.table, conflict: insert.conflict, rows: [] };
    run.rows.push(insert.row);
  }
  await flush();
}
