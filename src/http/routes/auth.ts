import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { addressBucket } from '../../auth/addressBucket.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_LIFETIME_S, type DeviceCookies } from '../../auth/deviceCookie.js';
import type { HashingPool, HashingSlot } from '../../auth/hashingPool.js';
import type { LoginAttempt, LoginThrottle } from '../../auth/loginThrottle.js';
import type { PasswordHasher } from '../../auth/passwordHasher.js';
import type { TokenService } from '../../auth/tokens.js';
import type { Throttle } from '../../auth/throttle.js';
import type { CommandDeps } from '../../commands/deps.js';
import { registerUser, upgradePasswordHash } from '../../commands/users.js';
import { AuthenticationFailed, ServiceUnavailable, ValidationFailed, type FieldErrors } from '../../domain/errors.js';
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
}

/** What the handlers share: the routes' dependencies, and the users whose hash upgrade is under way. */
interface AuthHandlerDeps extends AuthRouteDeps {
  /** Concurrent logins of one user start one upgrade, not one each. */
  upgrading: Set<number>;
}

type ParseRegistration = (body: unknown) => BodyOf<typeof registerBody>;

const NO_ACTIVE_ACCOUNT = 'No active account found with the given credentials';
const NO_ACTIVE_ACCOUNT_FOR_TOKEN = 'No active account found for the given token.';

const pair = { description: 'A new access and refresh token.', schema: tokenPair };

export const authRouteTable: Route<AuthHandlerDeps>[] = [
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
    handler: obtainTokens,
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
  return mountRoutes(authRouteTable, { ...deps, upgrading: new Set<number>() });
}

async function obtainTokens(ctx: RouterContext, deps: AuthHandlerDeps, parseBody: (body: unknown) => BodyOf<typeof tokenBody>): Promise<void> {
  const { username, password } = parseBody(ctx.request.body);
  const usernameKey = username.toLowerCase();
  const client = addressBucket(ctx.ip);
  const attempt: LoginAttempt = { username: usernameKey, ip: client, deviceId: deps.devices.deviceOf(ctx.cookies.get(DEVICE_COOKIE), usernameKey) };
  // A place for the check first: when hashing is full the answer is 503 without counting anything.
  const slot = deps.hashing.reserve(client);
  await deps.login.admit(attempt).catch((err: unknown) => {
    slot.release();
    throw err;
  });
  const user = await checkPassword(deps, slot, attempt, username, password);
  if (!user) throw new AuthenticationFailed(NO_ACTIVE_ACCOUNT, 'no_active_account');
  await deps.login.forgive(attempt);
  rememberDevice(ctx, deps.devices, attempt);
  if (deps.hasher.needsRehash(user.passwordHash)) upgradeInBackground(ctx, deps, deps.upgrading, user, password);
  const pair = deps.tokens.issuePair(user.id);
  ctx.body = { refresh: pair.refresh, access: pair.access };
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

/**
 * The user when the password is theirs and the account active, else undefined (a failure that
 * stays counted). A check that never ran (database away) is not a failure: its counts are
 * given back before the error answers.
 */
async function checkPassword(deps: AuthRouteDeps, slot: HashingSlot, attempt: LoginAttempt, username: string, password: string) {
  try {
    return await slot.run(async () => {
      const user = await findUserByUsername(deps.db, username);
      const valid = await deps.hasher.verify(password, user?.passwordHash);
      return user && valid && user.isActive ? user : undefined;
    });
  } catch (err) {
    await deps.login.forgive(attempt);
    throw err;
  }
}

/** Issues (or renews) the device cookie for this username; body untouched, as COMPAT.md requires. */
function rememberDevice(ctx: Context, devices: DeviceCookies, attempt: LoginAttempt): void {
  ctx.cookies.set(DEVICE_COOKIE, devices.issue(attempt.username, attempt.deviceId), {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api/auth',
    maxAge: DEVICE_COOKIE_LIFETIME_S * 1000,
    secure: ctx.secure,
    signed: false,
    overwrite: true,
  });
}

/**
 * Replaces a hash that is not the current kind (Django PBKDF2, plain bcrypt) once its password
 * is proven, without holding up the login: the event is appended while the response goes out.
 * A failure, or hashing being full, leaves the old hash working and the next login tries again.
 */
function upgradeInBackground(ctx: Context, deps: AuthRouteDeps, upgrading: Set<number>, user: { id: number; passwordHash: string }, password: string): void {
  if (upgrading.has(user.id)) return;
  upgrading.add(user.id);
  const context = commandContext(ctx, deps.commands.clock);
  void deps.hashing
    .run(addressBucket(ctx.ip), () => deps.hasher.hash(password))
    .then((fresh) => upgradePasswordHash(deps.commands, user.id, user.passwordHash, fresh, context))
    .catch((err: unknown) => {
      if (!(err instanceof ServiceUnavailable)) ctx.app.emit('error', err);
    })
    .finally(() => upgrading.delete(user.id));
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
