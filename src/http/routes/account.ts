import Router from '@koa/router';
import { HttpMethodEnum } from 'koa-body';
import { addressBucket } from '../../auth/addressBucket.js';
import { requireUser } from '../../auth/bearer.js';
import type { HashingPool } from '../../auth/hashingPool.js';
import type { PasswordHasher } from '../../auth/passwordHasher.js';
import { eraseUser, type ErasureDeps } from '../../commands/eraseUser.js';
import { ValidationFailed } from '../../domain/errors.js';
import { findUserById } from '../../projections/users.js';
import { commandContext } from '../commandContext.js';
import { bodyParser } from '../middleware/bodyParser.js';
import type { OperationSpec } from '../openapi/operation.js';
import { bodyValidator } from '../validation/bodyValidator.js';

export interface ErasureRouteDeps {
  erasure: ErasureDeps;
  hasher: PasswordHasher;
  /** The password check goes through it, as a login's does: bounded, 503 at once when full. */
  hashing: HashingPool;
  bodyLimitBytes?: number;
}

const erasureBody = {
  type: 'object',
  properties: { password: { type: 'string', writeOnly: true, description: 'Your current password, to confirm.', examples: ['SecurePass123!'] } },
  required: ['password'],
} as const;
const confirmation = bodyValidator(erasureBody);

export const WRONG_PASSWORD = 'Your password was entered incorrectly. Please enter it again.';

/** DELETE /api/auth/me/: erases the caller's account (README, "Privacy: erasure and export"). */
export function erasureRoutes(deps: ErasureRouteDeps): Router {
  const r = new Router({ prefix: '/api/auth', sensitive: true });
  r.delete('/me', requireUser, bodyParser({ limitBytes: deps.bodyLimitBytes, methods: [HttpMethodEnum.DELETE] }), async (ctx) => {
    const { password } = confirmation.parse(ctx.request.body);
    const userId = ctx.state.user!.id;
    const valid = await deps.hashing.run(addressBucket(ctx.ip), async () => deps.hasher.verify(password, (await findUserById(deps.erasure.db, userId))?.passwordHash));
    if (!valid) throw new ValidationFailed({ password: [WRONG_PASSWORD] });
    await eraseUser(deps.erasure, userId, commandContext(ctx, deps.erasure.clock));
    ctx.status = 204;
  });
  return r;
}

export const erasureOperations: OperationSpec[] = [
  {
    method: 'delete',
    path: '/api/auth/me',
    tag: 'Auth',
    auth: 'user',
    summary: 'Erase your account',
    description:
      'Confirmed by your password (a wrong one is a 400 on `password`). Your username, email, resumes, job applications and AI-written text become unreadable in the event log (their key is destroyed) and leave every list; the non-personal facts (that an application moved from one status to another on a date) stay, so aggregate statistics stay right. Your tokens and login stop working at once and the username can be registered again. It cannot be undone.',
    body: confirmation.schema,
    responses: { 204: { description: 'Erased.' } },
    errors: [503],
  },
];
