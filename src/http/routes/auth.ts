import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { addressBucket } from '../../auth/addressBucket.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_LIFETIME_S, type DeviceCookies } from '../../auth/deviceCookie.js';
import type { HashingPool } from '../../auth/hashingPool.js';
import type { LoginThrottle } from '../../auth/loginThrottle.js';
import type { PasswordHasher } from '../../auth/passwordHasher.js';
import type { TokenService } from '../../auth/tokens.js';
import type { Throttle } from '../../auth/throttle.js';
import type { CommandDeps } from '../../commands/deps.js';
import { obtainTokens } from '../../commands/obtainTokens.js';
import type { PasswordHashUpgrades } from '../../commands/passwordHashUpgrades.js';
import { registerUser } from '../../commands/users.js';
import { AuthenticationFailed, ValidationFailed, type FieldErrors } from '../../domain/errors.js';
import { validatePassword } from '../../domain/user/passwordPolicy.js';
import { USERNAME_TAKEN, isReservedUsername } from '../../domain/username/index.js';
import { findUserById, findUserByUsername } from '../../projections/users.js';
import { pythonStrip } from '../validation/python.js';
import type { BodyOf } from '../validation/schema.js';
import { commandContext } from '../commandContext.js';
import { registerBody, refreshBody, tokenBody } from '../schemas/auth.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { emptyObject, me, registeredUser, tokenPair } from '../schemas/responses.js';

export interface AuthRouteDeps {
  db: Knex;
  commands: CommandDeps;
  hasher: PasswordHasher;
  /** Every hash and check goes through it: bounded, 503 at once when full. */
  hashing: HashingPool;
  tokens: TokenService;
  devices: DeviceCookies;
  login: LoginThrottle;
  registerByIp: Throttle;
  /** One per server: a legacy hash is replaced after its password is proven. */
  upgrades: PasswordHashUpgrades;
}


type ParseRegistration = (body: unknown) => BodyOf<typeof registerBody>;

const NO_ACTIVE_ACCOUNT_FOR_TOKEN = 'No active account found for the given token.';

const pair = { description: 'A new access and refresh token.', schema: tokenPair };

export const authRouteTable: Route<AuthRouteDeps>[] = [
  defineRoute({
    method: 'post',
    path: '/api/auth/register',
    tag: 'Auth',
    auth: 'public',
    summary: 'Create an account',
    body: registerBody,
    responses: { 201: { description: 'Registered.', schema: registeredUser } },
    errors: [429, 503],
    handler: async (ctx, deps, parseBody) => {
      const { input, passwordHash } = await hashRegistration(deps, addressBucket(ctx.ip), ctx.request.body, parseBody);
      const id = await registerUser(
        deps.commands,
        { username: input.username, email: input.email, passwordHash, isStaff: false },
        commandContext(ctx, deps.commands.clock),
      );
      ctx.status = 201;
      ctx.body = { id, username: input.username, email: input.email };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/token',
    tag: 'Auth',
    auth: 'public',
    summary: 'Sign in: obtain an access and a refresh token',
    description: `Also sets the \`${DEVICE_COOKIE}\` device cookie: sent back on later sign-ins, it exempts this device from the per-username lockout that strangers' failed guesses can cause.`,
    body: tokenBody,
    responses: { 200: pair },
    errors: [401, 429, 503],
    handler: signIn,
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/token/refresh',
    tag: 'Auth',
    auth: 'public',
    summary: 'Trade a refresh token for a new pair',
    description: 'The refresh token is rotated: the one sent is blacklisted.',
    body: refreshBody,
    responses: { 200: pair },
    errors: [401],
    handler: async (ctx, deps, parseBody) => {
      const { refresh: token } = parseBody(ctx.request.body);
      const pair = await deps.tokens.refresh(token, {
        checkUser: async (id) => {
          if (!(await findUserById(deps.db, id))?.isActive) throw new AuthenticationFailed(NO_ACTIVE_ACCOUNT_FOR_TOKEN, 'no_active_account');
        },
      });
      ctx.body = { access: pair.access, refresh: pair.refresh };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/token/blacklist',
    tag: 'Auth',
    auth: 'public',
    summary: 'Sign out: blacklist a refresh token',
    body: refreshBody,
    responses: { 200: { description: 'Done.', schema: emptyObject } },
    errors: [401],
    handler: async (ctx, deps, parseBody) => {
      const { refresh: token } = parseBody(ctx.request.body);
      await deps.tokens.blacklist(token);
      ctx.body = {};
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/auth/me',
    tag: 'Auth',
    auth: 'user',
    summary: 'Who you are',
    responses: { 200: { description: 'Your account.', schema: me } },
    handler: (ctx) => {
      const user = ctx.state.user!;
      ctx.body = { id: user.id, username: user.username, email: user.email, is_staff: user.isStaff, date_joined: user.dateJoined };
    },
  }),
];

export function authRoutes(deps: AuthRouteDeps): Router {
  return mountRoutes(authRouteTable, deps);
}

async function signIn(ctx: RouterContext, deps: AuthRouteDeps, parseBody: (body: unknown) => BodyOf<typeof tokenBody>): Promise<void> {
  const { username, password } = parseBody(ctx.request.body);
  const signInDeps = { ...deps, findUserByUsername: (name: string) => findUserByUsername(deps.db, name) };
  const credentials = { username, password, clientIp: ctx.ip, deviceCookie: ctx.cookies.get(DEVICE_COOKIE) };
  const issued = await obtainTokens(signInDeps, credentials, commandContext(ctx, deps.commands.clock));
  rememberDevice(ctx, issued.deviceCookie);
  ctx.body = { refresh: issued.refresh, access: issued.access };
}

/** A hashing place first (503 at once when full, nothing counted), then the address's count, the checks and the hash. */
async function hashRegistration(deps: AuthRouteDeps, ip: string, body: unknown, parse: ParseRegistration): Promise<{ input: Registration; passwordHash: string }> {
  const slot = deps.hashing.reserve(ip);
  try {
    await deps.registerByIp.consume(ip);
    const input = await parseRegistration(deps.db, body, parse);
    return { input, passwordHash: await slot.run(() => deps.hasher.hash(input.password)) };
  } finally {
    slot.release();
  }
}

/** Sends the device cookie (issued or renewed at sign-in); body untouched, as COMPAT.md requires. */
function rememberDevice(ctx: Context, deviceCookie: string): void {
  ctx.cookies.set(DEVICE_COOKIE, deviceCookie, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api/auth',
    maxAge: DEVICE_COOKIE_LIFETIME_S * 1000,
    secure: ctx.secure,
    signed: false,
    overwrite: true,
  });
}

type Registration = { username: string; email: string; password: string; password2: string };

/**
 * The original serializer's order: every field's built-in checks and validators (username
 * uniqueness, the four password validators) are reported together; the passwords-match
 * check runs only when all fields are valid. The read-model uniqueness check gives the
 * message early; the username stream is what guarantees it under races.
 */
async function parseRegistration(db: Knex, body: unknown, parse: ParseRegistration): Promise<Registration> {
  let input: Registration | undefined;
  let errors: FieldErrors = {};
  try {
    input = parse(body);
  } catch (err) {
    if (!(err instanceof ValidationFailed)) throw err;
    errors = err.fieldErrors;
  }
  const raw = (input ?? body) as Partial<Record<keyof Registration, unknown>>;
  const text = (value: unknown) => (typeof value === 'string' ? pythonStrip(value) : '');
  const extra: FieldErrors = {};
  const username = text(raw.username);
  if (!errors.username && (isReservedUsername(username) || (await findUserByUsername(db, username)))) extra.username = [USERNAME_TAKEN];
  if (!errors.password && typeof raw.password === 'string') {
    const problems = validatePassword(text(raw.password), { username, email: text(raw.email) });
    if (problems.length > 0) extra.password = problems;
  }
  const merged = Object.fromEntries(
    (['username', 'email', 'password', 'password2'] as const).flatMap((field) => {
      const messages = errors[field] ?? extra[field];
      return messages ? [[field, messages]] : [];
    }),
  );
  if (!input || Object.keys(merged).length > 0) throw new ValidationFailed({ ...errors, ...merged });
  if (input.password !== input.password2) throw new ValidationFailed({ password: ["Password fields didn't match."] });
  return input;
}
