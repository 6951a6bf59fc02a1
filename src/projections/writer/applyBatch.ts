import type { LogEvent } from '../../eventstore/port.js';
import type { Projection } from '../projection.js';
import { PendingChanges, type FlushTarget } from './pendingChanges.js';

/**
 * A batch's changes, in log order, as statements appended to `target.steps`. Changes are merged
 * in memory and written as a few set-based statements per table; a change that cannot be
 * merged with what is pending (see PendingChanges) first writes everything pending before it,
 * so every statement sees the rows as the log left them.
 */
export function applyBatch(target: FlushTarget, projection: Projection, events: readonly LogEvent[]): void {
  const pending = new PendingChanges(projection.references);
  for (const event of events) {
    for (const change of projection.changesOf(event)) {
      const merged = change.kind === 'insert' ? pending.insert(change) : pending.patch(change);
      if (merged) continue;
      pending.flush(target);
      if (!(change.kind === 'insert' ? pending.insert(change) : pending.patch(change))) {
        throw new Error(`read model ${projection.name}: ${change.kind} of ${change.table} cannot follow an empty batch`);
      }
    }
  }
  pending.flush(target);
}
