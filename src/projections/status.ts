import type { Knex } from 'knex';
import type { EventStore } from '../eventstore/port.js';
import type { Projection } from './projection.js';

export interface ProjectionStatus {
  name: string;
  checkpoint: string;
  head: string;
  /** Events not yet applied. */
  lagEvents: number;
  /** Seconds since the newest event the read model has not applied was written; 0 when caught up. */
  lagSeconds: number;
  updatedAt: string | null;
  /** Why the projector refuses this checkpoint (another log's, or beyond the head); null while it follows the log. */
  refused: string | null;
}

/** Each read model's checkpoint against the head of the log. */
export async function projectionStatus(db: Knex, store: EventStore, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  const head = await store.headPosition();
  const rows = await db('projection_checkpoints')
    .select<{ name: string; position: string; refused: string | null; updated_at: Date }[]>('name', 'position', 'refused', 'updated_at')
    .whereIn('name', projections.map((p) => p.name));
  const byName = new Map(rows.map((r) => [r.name, r]));
  return Promise.all(
    projections.map(async ({ name }) => {
      const row = byName.get(name);
      const checkpoint = row?.position ?? '';
      // A refused checkpoint (another log's, or beyond the head) applied nothing of this log.
      const applied = row?.refused ? '' : checkpoint;
      const behind = applied < head;
      const oldestPending = behind ? (await store.readAll({ fromPosition: applied, limit: 1 }))[0] : undefined;
      return {
        name,
        checkpoint,
        head,
        lagEvents: behind ? await store.countAfter(applied) : 0,
        lagSeconds: oldestPending ? Math.max(0, (Date.now() - oldestPending.createdAt.getTime()) / 1000) : 0,
        updatedAt: row?.updated_at.toISOString() ?? null,
        refused: row?.refused ?? null,
      };
    }),
  );
}
