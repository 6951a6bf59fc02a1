import type { JobApplicationEvent } from './types.js';

interface HistoryEntry {
  type: JobApplicationEvent['type'];
  changes: Record<string, unknown>;
}

/**
 * An update that moves the status is two events: JobApplicationUpdated carrying `status`, then
 * JobApplicationStatusChanged with its from and to. A history shows that move once, as the
 * status change: the update keeps only its other fields, and goes when it had none.
 */
export function oneEntryPerChange<E extends HistoryEntry>(entries: readonly E[]): E[] {
  return entries.flatMap((entry, i) => {
    if (entry.type !== 'JobApplicationUpdated' || !('status' in entry.changes)) return [entry];
    if (entries[i + 1]?.type !== 'JobApplicationStatusChanged') return [entry];
    const { status: _movedByTheNextEntry, ...others } = entry.changes;
    return Object.keys(others).length === 0 ? [] : [{ ...entry, changes: others }];
  });
}
