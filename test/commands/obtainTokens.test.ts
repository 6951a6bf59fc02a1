import bcrypt from 'bcrypt';
import { expect } from 'chai';
import pino from 'pino';
import { cacheBlacklist } from '../../src/auth/blacklist.js';
import { deviceCookies } from '../../src/auth/deviceCookie.js';
import { hashingPool, type HashingPool } from '../../src/auth/hashingPool.js';
import { loginThrottle } from '../../src/auth/loginThrottle.js';
import { bcryptHasher, type PasswordHasher } from '../../src/auth/passwordHasher.js';
import { createThrottle } from '../../src/auth/throttle.js';
import { createTokenService, type TokenService } from '../../src/auth/tokens.js';
import { NO_ACTIVE_ACCOUNT, obtainTokens, type Credentials, type ObtainTokensDeps } from '../../src/commands/obtainTokens.js';
import { passwordHashUpgrades } from '../../src/commands/passwordHashUpgrades.js';
import { deactivateUser, registerUser } from '../../src/commands/users.js';
import { AuthenticationFailed, ServiceUnavailable, Throttled } from '../../src/domain/errors.js';
import { findUserByUsername } from '../../src/projections/users.js';
import { TEST_SECRET_KEY, uniqueName } from '../support/api.js';
import { startCommandInfra, type CommandInfra } from '../support/commandInfra.js';
import { requireRedis } from '../support/redis.js';
import { until } from '../support/until.js';

const PASSWORD = 'Correct-Horse-42';
const CLIENT_IP = '198.51.100.20';

/** A promise that settles when `release` is called. */
function opening(): { open: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const open = new Promise<void>((resolve) => (release = resolve));
  return { open, release };
}

/** bcrypt at cost 4, counting hashes; `hold()` keeps every hash waiting until the returned release is called. */
function countingHasher() {
  const real = bcryptHasher('native', 4);
  let gate: Promise<void> | undefined;
  const hasher: PasswordHasher & { hashes: number; hold(): () => void } = {
    name: real.name,
    hashes: 0,
    async hash(password) {
      hasher.hashes += 1;
      await gate;
      return real.hash(password);
    },
    verify: (password, hash) => real.verify(password, hash),
    needsRehash: (hash) => real.needsRehash(hash),
    hold() {
      const held = opening();
      gate = held.open;
      return () => {
        gate = undefined;
        held.release();
      };
    },
  };
  return hasher;
}

describe('obtainTokens (the use case, without HTTP)', function () {
  this.timeout(30_000);
  let env: CommandInfra;
  let tokens: TokenService;
  let hasher: ReturnType<typeof countingHasher>;
  const upgradeFailures: unknown[] = [];

  /** A fresh throttle and hashing pool per test: limits of 2 failures per (username, address) and 3 per username. */
  const depsWith = (hashing: HashingPool = hashingPool({ concurrency: 2, queue: 4 })): ObtainTokensDeps => {
    const throttle = (limit: number) => createThrottle({ kind: 'memory' }, { keyPrefix: uniqueName('throttle'), limit, windowS: 300, logger: pino({ level: 'silent' }) });
    return {
      findUserByUsername: (username) => findUserByUsername(env.infra.db, username),
      hasher,
      hashing,
      login: loginThrottle({ byUsernameAndIp: throttle(2), byUsername: throttle(3), byIp: throttle(100) }),
      devices: deviceCookies(TEST_SECRET_KEY),
      tokens,
      upgrades: passwordHashUpgrades({ commands: env.commands, hasher, hashing, onFailure: (err) => upgradeFailures.push(err) }),
    };
  };
  const newUser = async (passwordHash?: string) => {
    const username = uniqueName();
    const hash = passwordHash ?? (await bcryptHasher('native', 4).hash(PASSWORD));
    const id = await registerUser(env.commands, { username, email: `${username}@example.com`, passwordHash: hash, isStaff: false }, env.context());
    return { id, username };
  };
  const credentials = (username: string, password = PASSWORD, overrides: Partial<Credentials> = {}): Credentials => ({ username, password, clientIp: CLIENT_IP, deviceCookie: undefined, ...overrides });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err);

  before(async function () {
    await requireRedis(this);
    env = await startCommandInfra();
    tokens = createTokenService({ secretKey: TEST_SECRET_KEY, accessLifetimeS: 300, refreshLifetimeS: 3600, blacklist: cacheBlacklist(env.infra.cache) });
  });
  beforeEach(() => {
    hasher = countingHasher();
    upgradeFailures.length = 0;
  });
  after(() => env?.close());

  it('issues a pair naming the user, and a device cookie for that username, for the right password in any case of the username', async () => {
    const deps = depsWith();
    const user = await newUser();
    const issued = await obtainTokens(deps, credentials(user.username.toUpperCase()), env.context());
    expect(tokens.verifyAccess(issued.access).userId).to.equal(user.id);
    expect(tokens.verifyRefresh(issued.refresh).userId).to.equal(user.id);
    expect(deps.devices.deviceOf(issued.deviceCookie, user.username)).to.be.a('string');
    expect(hasher.hashes).to.equal(0); // a current hash is not upgraded
  });

  for (const [label, setUp] of [
    ['a wrong password', async () => credentials((await newUser()).username, 'wrong-password')],
    ['an unknown username', async () => credentials(uniqueName('nobody'))],
    ['a deactivated account', async () => {
      const user = await newUser();
      await deactivateUser(env.commands, user.id, env.context());
      return credentials(user.username);
    }],
  ] as const) {
    it(`refuses ${label} with the one message that tells none of them apart`, async () => {
      const error = await failure(obtainTokens(depsWith(), await setUp(), env.context()));
      expect(error).to.be.instanceOf(AuthenticationFailed);
      expect(error).to.include({ message: NO_ACTIVE_ACCOUNT, code: 'no_active_account' });
    });
  }

  it('counts only failures: right passwords never lock, two wrong ones lock even the right one out of that address', async () => {
    const deps = depsWith();
    const { username } = await newUser();
    for (let i = 0; i < 3; i++) await obtainTokens(deps, credentials(username), env.context());
    for (let i = 0; i < 2; i++) expect(await failure(obtainTokens(deps, credentials(username, 'wrong'), env.context()))).to.be.instanceOf(AuthenticationFailed);
    expect(await failure(obtainTokens(deps, credentials(username), env.context()))).to.be.instanceOf(Throttled);
  });

  it('lets the owner’s known device in while strangers’ failures lock the username', async () => {
    const deps = depsWith();
    const { username } = await newUser();
    const { deviceCookie } = await obtainTokens(deps, credentials(username), env.context());
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) await failure(obtainTokens(deps, credentials(username, 'guess', { clientIp: ip }), env.context()));
    expect(await failure(obtainTokens(deps, credentials(username, PASSWORD, { clientIp: '192.0.2.4' }), env.context()))).to.be.instanceOf(Throttled);
    expect((await obtainTokens(deps, credentials(username, PASSWORD, { clientIp: '192.0.2.4', deviceCookie }), env.context())).access).to.be.a('string');
  });

  it('answers 503 at once when hashing is full, without counting the attempt', async () => {
    const hashing = hashingPool({ concurrency: 1, queue: 0 });
    const deps = depsWith(hashing);
    const { username } = await newUser();
    const hold = opening();
    const held = hashing.run('another client', () => hold.open);
    for (let i = 0; i < 3; i++) expect(await failure(obtainTokens(deps, credentials(username, 'wrong'), env.context()))).to.be.instanceOf(ServiceUnavailable);
    hold.release();
    await held;
    // Had the refused attempts counted, the (username, address) limit of 2 would refuse this one.
    expect(await failure(obtainTokens(deps, credentials(username, 'wrong'), env.context()))).to.be.instanceOf(AuthenticationFailed);
  });

  it('replaces a legacy hash after the login, one upgrade at a time however many logins prove it', async () => {
    const deps = depsWith();
    const legacy = await bcrypt.hash(PASSWORD, 4);
    const { username } = await newUser(legacy);
    const release = hasher.hold();
    for (let i = 0; i < 3; i++) expect((await obtainTokens(deps, credentials(username), env.context())).access).to.be.a('string');
    expect(hasher.hashes).to.equal(1);
    release();
    await until(async () => (await findUserByUsername(env.infra.db, username))?.passwordHash !== legacy, 'the upgraded hash in the read model');
    const upgraded = (await findUserByUsername(env.infra.db, username))!.passwordHash;
    expect(hasher.needsRehash(upgraded)).to.equal(false);
    expect(await hasher.verify(PASSWORD, upgraded)).to.equal(true);
    expect(upgradeFailures).to.deep.equal([]);
  });
});
