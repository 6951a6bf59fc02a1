import type Router from '@koa/router';
import type { Knex } from 'knex';
import { HttpMethodEnum } from 'koa-body';
import { addressBucket } from '../../auth/addressBucket.js';
import type { HashingPool } from '../../auth/hashingPool.js';
import type { PasswordHasher } from '../../auth/passwordHasher.js';
import type { CommandDeps } from '../../commands/deps.js';
import { eraseOwnAccount } from '../../commands/eraseOwnAccount.js';
import type { ErasureDeps } from '../../commands/eraseUser.js';
import { exportPersonalData } from '../../history/personalDataExport.js';
import { findUserById } from '../../projections/users.js';
import { jsonDocumentStream } from '../../streaming/jsonStream.js';
import { commandContext } from '../commandContext.js';
import { bodyParser } from '../middleware/bodyParser.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { erasureBody, personalDataExport } from '../schemas/account.js';

export interface AccountRouteDeps {
  db: Knex;
  commands: CommandDeps;
  erasure: ErasureDeps;
  hasher: PasswordHasher;
  hashing: HashingPool;
  bodyLimitBytes?: number;
}

/** The signed-in user's own account as a whole (GDPR): its data export and its erasure. */
export const accountRouteTable: Route<AccountRouteDeps>[] = [
  defineRoute({
    method: 'delete',
    path: '/api/auth/me',
    tag: 'Auth',
    auth: 'user',
    summary: 'Erase your account',
    description:
      'Confirmed by your password (a wrong one is a 400 on `password`). Your username, email, resumes, job applications and AI-written text become unreadable in the event log (their key is destroyed) and leave every list; the non-personal facts (that an application moved from one status to another on a date) stay, so aggregate statistics stay right. Your tokens and login stop working at once and the username can be registered again. It cannot be undone.',
    body: erasureBody,
    responses: { 204: { description: 'Erased.' } },
    errors: [503],
    // The app parses bodies of POST, PUT and PATCH only (as DRF reads them); this DELETE takes one.
    middleware: ({ bodyLimitBytes }) => [bodyParser({ limitBytes: bodyLimitBytes, methods: [HttpMethodEnum.DELETE] })],
    handler: async (ctx, deps, parseBody) => {
      const { password } = parseBody(ctx.request.body);
      const erasing = { ...deps, findPasswordHash: async (id: number) => (await findUserById(deps.db, id))?.passwordHash };
      await eraseOwnAccount(erasing, { userId: ctx.state.user!.id, password, clientBucket: addressBucket(ctx.ip) }, commandContext(ctx, deps.commands.clock));
      ctx.status = 204;
    },
  }),
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
