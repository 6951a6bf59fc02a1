import Router from '@koa/router';
import type { Knex } from 'knex';
import { requireUser } from '../../auth/bearer.js';
import type { CommandDeps } from '../../commands/deps.js';
import { exportPersonalData } from '../../commands/exportPersonalData.js';
import { jsonDocumentStream } from '../jsonStream.js';
import type { OperationSpec } from '../openapi/operation.js';
import { personalDataExport } from '../schemas/account.js';

export interface AccountRouteDeps {
  db: Knex;
  commands: CommandDeps;
}

/** The signed-in user's own account as a whole (GDPR): its data export. */
export function accountRoutes(deps: AccountRouteDeps): Router {
  const r = new Router({ prefix: '/api/auth/me', sensitive: true });
  exportRoute(r, deps);
  return r;
}

// ── Personal data export (GDPR article 20) ─────────────────────────────────────────────

function exportRoute(r: Router, { db, commands }: AccountRouteDeps): void {
  r.get('/export', requireUser, async (ctx) => {
    const document = await exportPersonalData({ db, store: commands.store, clock: commands.clock }, ctx.state.user!.id);
    ctx.type = 'application/json';
    ctx.attachment('resumate-export.json', { type: 'attachment' });
    ctx.body = jsonDocumentStream(document);
  });
}

export const exportOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/api/auth/me/export',
    tag: 'Auth',
    auth: 'user',
    summary: 'Download everything you made, as one JSON document',
    description:
      'Your profile, every resume with its history, every job application (soft-deleted ones too) with its timeline, your AI generations and quota usage. Streamed as it is read, so it comes without `Content-Length`.',
    responses: { 200: { description: 'Your data.', schema: personalDataExport } },
  },
];
