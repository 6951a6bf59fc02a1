import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection, ProjectionContext } from './projection.js';
import { PendingChanges } from './pendingChanges.js';

/**
 * Applies a batch in log order. Inserts and patches (`insertOf`, `patchOf`) are merged in memory
 * and written as a few set-based statements per table; an event that needs `apply` first writes
 * everything pending before it, so every statement sees the rows as the log left them.
 */
export async function applyBatch(ctx: ProjectionContext, projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
  const pending = new PendingChanges();
  for (const event of events) {
    const insert = projection.insertOf?.(event);
    if (insert && pending.insert(insert)) continue;
    const patch = insert ? undefined : projection.patchOf?.(event);
    if (patch && pending.patch(patch)) continue;
    await pending.flush(ctx);
    if (insert) pending.insert(insert);
    else if (patch) pending.patch(patch);
    else if (projection.apply) await projection.apply(ctx, event);
    else throw new Error(`read model ${projection.name} has neither an insert, a patch nor an apply for ${event.type}`);
  }
  await pending.flush(ctx);
}
