import type { AuthUser, FindUser } from './user.js';

/** Where the `users` read model tells that its rows changed (ProjectionProgress). */
export interface UsersProgress {
  onChange(readModel: 'users', listener: () => void): void;
}

/** Enough for every active user of an instance; beyond it the cache starts over. */
const MAX_ENTRIES = 50_000;

/**
 * Every authenticated request looks its user up (as DRF does); this keeps the answers of the
 * `users` read model in memory and forgets them all whenever a batch changes that read model —
 * in this process or, through its checkpoint NOTIFY, any other (a rebuild's swap counts). So a deactivation is seen as soon
 * as the read model shows it, exactly like a read of the table, minus the round trip per request.
 * Concurrent lookups of one user share one query.
 */
export function cachedUsers(find: FindUser, progress: UsersProgress): FindUser {
  let entries = new Map<number, Promise<AuthUser | undefined>>();
  progress.onChange('users', () => {
    entries = new Map();
  });
  return (id) => {
    const cached = entries.get(id);
    if (cached) return cached;
    if (entries.size >= MAX_ENTRIES) entries = new Map();
    const current = entries;
    const lookup = find(id);
    current.set(id, lookup);
    lookup.catch(() => current.delete(id)); // a failed read is not remembered
    return lookup;
  };
}
