import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { bcryptHasher, type PasswordHasher } from '../../src/auth/passwordHasher.js';
import { registerUser } from '../../src/commands/users.js';
import { commandDeps } from '../../src/server.js';
import { startTestApi, uniqueName, type Response, type TestApi } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { requireRedis } from '../support/redis.js';
import { eventually } from '../support/until.js';

/** bcrypt at test cost, with every password check and hash counted; `hold()` parks checks until released. */
function instrumentedHasher() {
  const inner = bcryptHasher('native', 4);
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let arrived: (() => void) | undefined;
  const counts = { verify: 0, hash: 0 };
  /** For each check in the order they ran: was there a stored hash (a known user)? */
  const knownUser: boolean[] = [];
  const hasher: PasswordHasher = {
    name: 'instrumented',
    needsRehash: (h) => inner.needsRehash(h),
    async hash(password) {
      counts.hash += 1;
      return inner.hash(password);
    },
    async verify(password, storedHash) {
      counts.verify += 1;
      knownUser.push(storedHash !== undefined);
      arrived?.();
      if (gate) await gate;
      return inner.verify(password, storedHash);
    },
  };
  return {
    hasher,
    counts,
    knownUser,
    /** Makes the next checks wait; resolves once one has started. */
    hold(): Promise<void> {
      gate = new Promise((resolve) => (open = resolve));
      return new Promise((resolve) => (arrived = resolve));
    },
    release(): void {
      gate = undefined;
      arrived = undefined;
      open?.();
    },
  };
}

const PASSWORD = 'Correct-Horse-42';
const context = () => ({ userId: null, requestId: 'test', at: new Date().toISOString() });
const setCookieOf = (response: Response): string | undefined => response.headers.getSetCookie().find((c) => c.startsWith('resumate_device='));
const cookieHeader = (setCookie: string | undefined) => ({ cookie: setCookie!.split(';')[0]! });

describe('security: password checks are atomic and bounded', function () {
  this.timeout(60_000);
  before(async function () {
    await requireRedis(this);
  });

  describe('counting before the check', () => {
    const probe = instrumentedHasher();
    let api: TestApi;
    before(async () => {
      api = await startTestApi(
        { THROTTLE_LOGIN_FAILURES_PER_USERNAME_AND_IP: '5', THROTTLE_LOGIN_FAILURES_PER_USERNAME: '10', THROTTLE_LOGIN_WINDOW_S: '120', PASSWORD_HASH_QUEUE: '100' },
        {},
        { hasher: probe.hasher },
      );
    });
    after(async () => api?.stop());

    it('lets at most the limit of 40 concurrent guesses reach a password check (finding 3)', async () => {
      const user = await api.newUser();
      const before = probe.counts.verify;
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => api.post('/api/auth/token/', { username: user.username, password: `wrong-guess-${i}` }).then((r) => r.status)),
      );
      expect(probe.counts.verify - before).to.equal(5);
      expect(statuses.filter((s) => s === 401)).to.have.length(5);
      expect(statuses.filter((s) => s === 429)).to.have.length(35);

      const right = await api.post('/api/auth/token/', { username: user.username, password: user.password });
      expect(right.status).to.equal(429);
      expectApiError(right);
      expect(probe.counts.verify - before, 'a refused attempt checks no password').to.equal(5);
    });

    it('does not count a right password as a failure', async () => {
      const user = await api.newUser();
      for (let i = 0; i < 12; i++) expect((await api.post('/api/auth/token/', { username: user.username, password: user.password })).status).to.equal(200);
      for (let i = 0; i < 5; i++) expect((await api.post('/api/auth/token/', { username: user.username, password: 'wrong-password' })).status).to.equal(401);
      expect((await api.post('/api/auth/token/', { username: user.username, password: 'wrong-password' })).status).to.equal(429);
    });
  });

  describe('device cookies (finding 6)', () => {
    let api: TestApi;
    before(async () => {
      // The username limit bites first; everyone here shares 127.0.0.1, so the pair limit is set out of the way.
      api = await startTestApi({ THROTTLE_LOGIN_FAILURES_PER_USERNAME_AND_IP: '1000', THROTTLE_LOGIN_FAILURES_PER_USERNAME: '3', THROTTLE_LOGIN_WINDOW_S: '120' });
    });
    after(async () => api?.stop());
    const login = (username: string, password: string, headers: Record<string, string> = {}) => api.post('/api/auth/token/', { username, password }, headers);

    it('sets a device cookie on a successful login and keeps the body as COMPAT.md has it', async () => {
      const user = await api.newUser();
      const response = await login(user.username, user.password);
      expect(Object.keys(response.body as object)).to.deep.equal(['refresh', 'access']);
      expect(setCookieOf(response)).to.match(/^resumate_device=[\w-]+\.[\w-]+; path=\/api\/auth; expires=.*; samesite=strict; httponly$/);
    });

    it('lets the owner in from a known device while strangers’ failures lock the username', async () => {
      const owner = await api.newUser();
      const device = setCookieOf(await login(owner.username, owner.password));
      for (let i = 0; i < 3; i++) expect((await login(owner.username, 'stranger-guess')).status).to.equal(401);

      const unknownDevice = await login(owner.username, owner.password);
      expect(unknownDevice.status, 'an unknown device is locked out with the strangers').to.equal(429);
      const known = await login(owner.username, owner.password, cookieHeader(device));
      expect(known.status, 'the known device passes').to.equal(200);
      expect(setCookieOf(known)!.split(';')[0], 'the device keeps its identity').to.not.equal(undefined);
    });

    it('gives a known device its own failure limit, and no exemption for another username', async () => {
      const owner = await api.newUser();
      const other = await api.newUser();
      const device = setCookieOf(await login(owner.username, owner.password));
      for (let i = 0; i < 3; i++) expect((await login(owner.username, 'typo', cookieHeader(device))).status).to.equal(401);
      expect((await login(owner.username, owner.password, cookieHeader(device))).status).to.equal(429);

      for (let i = 0; i < 3; i++) expect((await login(other.username, 'stranger-guess')).status).to.equal(401);
      expect((await login(other.username, other.password, cookieHeader(device))).status, "the owner's cookie does not exempt another account").to.equal(429);
    });

    it('ignores a tampered device cookie', async () => {
      const owner = await api.newUser();
      const device = setCookieOf(await login(owner.username, owner.password))!;
      const [payload, mac] = device.split(';')[0]!.slice('resumate_device='.length).split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d: string };
      const forged = `${Buffer.from(JSON.stringify({ ...claims, d: 'another-device' })).toString('base64url')}.${mac}`;
      for (let i = 0; i < 3; i++) expect((await login(owner.username, 'stranger-guess')).status).to.equal(401);
      expect((await login(owner.username, owner.password, { cookie: `resumate_device=${forged}` })).status).to.equal(429);
    });
  });

  describe('bounded hashing (finding 3)', () => {
    const probe = instrumentedHasher();
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0', THROTTLE_LOGIN_FAILURES_PER_USERNAME_AND_IP: '2' }, {}, { hasher: probe.hasher });
    });
    after(async () => {
      probe.release();
      await api?.stop();
    });

    it('answers 503 with Retry-After at once when every hashing slot is taken, and serves other endpoints', async () => {
      const holder = await api.newUser();
      const other = await api.newUser();
      const started = probe.hold();
      const held = api.post('/api/auth/token/', { username: holder.username, password: holder.password });
      await started;

      for (let i = 0; i < 3; i++) {
        const busy = await api.post('/api/auth/token/', { username: other.username, password: 'wrong-password' });
        expect(busy.status).to.equal(503);
        const message = 'Too many password checks are running right now. Retry in a moment.';
        expect(busy.body).to.deep.equal({ error: message, code: 'service_unavailable', detail: message });
        expect(busy.headers.get('retry-after')).to.equal('1');
      }
      const username = uniqueName();
      const registration = await api.post('/api/auth/register/', { username, email: `${username}@example.com`, password: PASSWORD, password2: PASSWORD });
      expect(registration.status, 'registration hashes too').to.equal(503);
      expect((await api.request('/healthz')).status).to.equal(200);
      expect((await other.get('/api/resumes/')).status).to.equal(200);

      probe.release();
      expect((await held).status, 'the held login completes').to.equal(200);
      // The refused attempts checked nothing, so they did not spend the pair's 2 failures.
      expect((await api.post('/api/auth/token/', { username: other.username, password: 'wrong-password' })).status).to.equal(401);
      expect((await api.post('/api/auth/token/', { username: other.username, password: 'wrong-password' })).status).to.equal(401);
    });
  });

  describe('a flood from one address (finding 3)', () => {
    const probe = instrumentedHasher();
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ TRUST_PROXY: 'True', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '4' }, {}, { hasher: probe.hasher });
    });
    after(async () => {
      probe.release();
      await api?.stop();
    });

    it('refuses the flood beyond its share at once, and checks another address’s login next', async () => {
      const victim = await api.newUser();
      const from = (address: string) => ({ 'x-forwarded-for': address });
      const started = probe.hold();
      const first = api.post('/api/auth/token/', { username: uniqueName('ghost'), password: 'wrong-password' }, from('203.0.113.7'));
      await started;
      probe.knownUser.length = 0;
      const flood = Array.from({ length: 20 }, () => api.post('/api/auth/token/', { username: uniqueName('ghost'), password: 'wrong-password' }, from('203.0.113.7')));
      const victimLogin = api.post('/api/auth/token/', { username: victim.username, password: victim.password }, from('198.51.100.1'));
      // The flood holds 3 of the 5 places (its half): the other 18 are answered 503 while the first check is still held.
      const answered = await Promise.race([settledCount(flood, 18), victimLogin.then(() => -1)]);
      expect(answered, 'the refusals arrive before any held check ends').to.equal(18);
      probe.release();
      expect((await victimLogin).status, 'the other address signs in').to.equal(200);
      expect((await first).status).to.equal(401);
      expect((await Promise.all(flood)).map((r) => r.status).sort()).to.deep.equal([...Array<number>(2).fill(401), ...Array<number>(18).fill(503)]);
      expect(probe.knownUser, 'after the held check, the other address goes first').to.deep.equal([true, false, false]);
    });
  });

  describe('long passwords (finding 8) and old hashes', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi();
    });
    after(async () => api?.stop());

    it('tells apart two passwords that agree on their first 72 bytes', async () => {
      const prefix = 'Tr0ub4dor&3-'.repeat(6);
      expect(Buffer.byteLength(prefix)).to.equal(72);
      const user = await api.newUser({ password: `${prefix}first` });
      expect((await api.post('/api/auth/token/', { username: user.username, password: `${prefix}second` })).status).to.equal(401);
      expect((await api.post('/api/auth/token/', { username: user.username, password: prefix })).status).to.equal(401);
      expect((await api.post('/api/auth/token/', { username: user.username, password: `${prefix}first` })).status).to.equal(200);
      const row = await api.server.infrastructure.db('users').where({ id: user.id }).first<{ password_hash: string }>();
      expect(row!.password_hash).to.match(/^bcrypt_sha256\$\$2[ab]\$04\$/);
    });

    it('still accepts a plain bcrypt hash, and replaces it by bcrypt_sha256 at login', async () => {
      const { store } = api.server.infrastructure;
      const username = uniqueName('legacy');
      const legacy = await bcrypt.hash(PASSWORD, 4);
      const id = await registerUser(commandDeps(api.server.infrastructure), { username, email: `${username}@example.com`, passwordHash: legacy, isStaff: false }, context());
      expect((await api.post('/api/auth/token/', { username, password: 'wrong-password' })).status).to.equal(401);
      expect((await api.post('/api/auth/token/', { username, password: PASSWORD })).status).to.equal(200);

      const changed = await eventually(async () => (await store.readStream<{ type: string; data: { passwordHash: string } }>(`user-${id}`)).find((e) => e.type === 'UserPasswordChanged'), 'the hash upgrade');
      expect(changed.data.passwordHash).to.match(/^bcrypt_sha256\$\$2[ab]\$/);
      expect((await api.post('/api/auth/token/', { username, password: PASSWORD })).status).to.equal(200);
      expect((await api.post('/api/auth/token/', { username, password: 'wrong-password' })).status).to.equal(401);
      expect((await store.readStream(`user-${id}`)).filter((e) => e.type === 'UserPasswordChanged')).to.have.length(1);
    });
  });
});

/** Resolves with `n` once `n` of the requests have been answered. */
function settledCount(requests: Array<Promise<Response>>, n: number): Promise<number> {
  let answered = 0;
  return new Promise((resolve) => {
    for (const request of requests) void request.then(() => ++answered === n && resolve(n));
  });
}

