import type Router from '@koa/router';
import type { Knex } from 'knex';
import type { CommandDeps } from '../../commands/deps.js';
import { exportPersonalData } from '../../history/personalDataExport.js';
import { jsonDocumentStream } from '../../streaming/jsonStream.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { personalDataExport } from '../schemas/account.js';

export interface AccountRouteDeps {
  db: Knex;
  commands: CommandDeps;
}

/** The signed-in user's own account as a whole (GDPR): its data export. */
export const accountRouteTable: Route<AccountRouteDeps>[] = [
  // Personal data export (GDPR article 20)
  defineRoute({
    method: 'get',
    path: '/api/auth/me/export',
    tag: 'Auth',
    auth: 'user',
    summary: 'Download everything you made, as one JSON document',
    description:
      'Your profile, every resume with its history, every job application (soft-deleted ones too) with its timeline, your AI generations and quota usage. Streamed as it is read, so it comes without `Content-Length`.',
    responses: { 200: { description: 'Your data.', schema: personalDataExport } },
    handler: async (ctx, { db, commands }) => {
      const document = await exportPersonalData({ db, store: commands.store, clock: commands.clock }, ctx.state.user!.id);
      ctx.type = 'application/json';
      ctx.attachment('resumate-export.json', { type: 'attachment' });
      ctx.body = jsonDocumentStream(document);
    },
  }),
];

export function accountRoutes(deps: AccountRouteDeps): Router {
  return mountRoutes(accountRouteTable, deps);
}
