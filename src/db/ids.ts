import type { Knex } from 'knex';

export type IdKind = 'user' | 'resume' | 'jobApplication';

/** The sequence each kind of id comes from (migrations/20261124_03_id_sequences.ts). */
export const ID_SEQUENCES: Readonly<Record<IdKind, string>> = { user: 'user_ids', resume: 'resume_ids', jobApplication: 'job_application_ids' };

export interface IdAllocator {
  next(kind: IdKind): Promise<number>;
}

interface Waiter {
  resolve(id: number): void;
  reject(err: unknown): void;
}

/**
 * Ids from PostgreSQL sequences: unique across processes, never reused, untouched by rebuilds.
 * Callers that arrive while a query is in flight share the next one (`generate_series`), so
 * a burst of creations costs one round trip, not one each, and no id is reserved unused.
 */
export function sequenceIds(db: Knex): IdAllocator {
  const queues = new Map<IdKind, Waiter[]>();
  const inFlight = new Set<IdKind>();

  async function drain(kind: IdKind): Promise<void> {
    inFlight.add(kind);
    for (let batch = take(kind); batch.length > 0; batch = take(kind)) {
      try {
        const { rows } = await db.raw<{ rows: { id: string }[] }>('SELECT nextval(?)::text AS id FROM generate_series(1, ?)', [ID_SEQUENCES[kind], batch.length]);
        batch.forEach((waiter, i) => waiter.resolve(Number(rows[i]!.id)));
      } catch (err) {
        for (const waiter of batch) waiter.reject(err);
      }
    }
    inFlight.delete(kind);
  }

  function take(kind: IdKind): Waiter[] {
    const batch = queues.get(kind) ?? [];
    queues.set(kind, []);
    return batch;
  }

  return {
    next(kind) {
      return new Promise<number>((resolve, reject) => {
        const queue = queues.get(kind) ?? [];
        queue.push({ resolve, reject });
        queues.set(kind, queue);
        if (!inFlight.has(kind)) void drain(kind);
      });
    },
  };
}
