import type Router from '@koa/router';
import type { Knex } from 'knex';
import type { EventStore } from '../../eventstore/port.js';
import type { Projection } from '../../projections/projection.js';
import { projectionStatus } from '../../projections/status.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';

export interface AdminProjectionDeps {
  db: Knex;
  store: EventStore;
  projections: readonly Projection[];
}

const projectionStatusSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'The read model.' },
    checkpoint: { type: 'string', description: 'Position of the last event it applied; empty before the first.' },
    head: { type: 'string', description: 'Position of the newest readable event; empty for an empty log.' },
    lag_events: { type: 'integer', minimum: 0, description: 'Events not applied yet.' },
    lag_seconds: { type: 'number', minimum: 0, description: 'Age of the oldest event not applied yet; 0 when caught up.' },
    updated_at: { type: ['string', 'null'], format: 'date-time', description: 'When the checkpoint was last stored.' },
    refused: {
      type: ['string', 'null'],
      description: 'Why the projector refuses this checkpoint (it names another log, or lies beyond the head): nothing is applied until `resumate admin projections rebuild`; null while it follows the log.',
    },
  },
  required: ['name', 'checkpoint', 'head', 'lag_events', 'lag_seconds', 'updated_at', 'refused'],
  additionalProperties: false,
} as const;

/** Staff see how far each read model is behind the log (the same data as `admin projections status`). */
export const adminProjectionRouteTable: Route<AdminProjectionDeps>[] = [
  defineRoute({
    method: 'get',
    path: '/api/admin/projections',
    tag: 'Admin',
    auth: 'staff',
    summary: 'Each read model: checkpoint, head of the log, lag in events and seconds',
    responses: { 200: { description: 'One entry per read model.', schema: { type: 'array', items: projectionStatusSchema } } },
    handler: async (ctx, { db, store, projections }) => {
      const statuses = await projectionStatus(db, store, projections);
      ctx.body = statuses.map((s) => ({
        name: s.name,
        checkpoint: s.checkpoint,
        head: s.head,
        lag_events: s.lagEvents,
        lag_seconds: s.lagSeconds,
        updated_at: s.updatedAt,
        refused: s.refused,
      }));
    },
  }),
];

export function adminProjectionRoutes(deps: AdminProjectionDeps): Router {
  return mountRoutes(adminProjectionRouteTable, deps);
}
