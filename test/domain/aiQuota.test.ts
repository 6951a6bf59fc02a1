import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import pino from 'pino';
import { principalFor } from '../../src/auth/principal.js';
import { releaseQuota, reserveQuota } from '../../src/commands/aiQuota.js';
import { quotaUsage } from '../../src/projections/quotaUsage.js';
import { aiQuotaDecider, aiQuotaStream, nextUtcMidnight, secondsUntilReset, utcDay, type AiQuotaEvent } from '../../src/domain/aiQuota/index.js';
import type { CommandContext } from '../../src/domain/decider.js';
import { QuotaExceeded } from '../../src/domain/errors.js';
import { createKnex } from '../../src/db/knex.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { aiUsageDailyProjection, dailyUsage } from '../../src/projections/aiUsageDaily.js';
import { anyProjection } from '../../src/projections/projection.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';
import { testDatabaseUrl } from '../support/db.js';
import { deciderSpec } from '../support/decider.js';

const day = '2026-11-24';
const at = '2026-11-24T10:00:00.000Z';
const reserve = (limit: number | null, { model = 'gemini', slot = 'new', when = at } = {}) =>
  ({ type: 'ReserveQuota' as const, data: { principal: 'user-1', day: utcDay(when), model, limit, slot, at: when } });
const release = (slot: string, model = 'gemini') =>
  ({ type: 'ReleaseQuota' as const, data: { principal: 'user-1', day, model, slot, reason: 'provider_failed', at } });
const reserved = (slot: string, model = 'gemini'): AiQuotaEvent => ({ type: 'AiQuotaReserved', data: { slot, model, day, at } });
const released = (slot: string, model = 'gemini'): AiQuotaEvent => ({ type: 'AiQuotaReleased', data: { slot, model, day, reason: 'provider_failed', at } });
const reservations = (n: number, model = 'gemini'): AiQuotaEvent[] => Array.from({ length: n }, (_, i) => reserved(`s${i}`, model));

describe('AiQuota', () => {
  const given = deciderSpec(aiQuotaDecider);

  describe('reserving', () => {
    it('takes a slot while the day’s reservations stay under the limit', () => given(reservations(4)).when(reserve(5)).then([reserved('new')]));

    it('refuses at the limit, with the seconds until 00:00 UTC', () => {
      const err = given(reservations(5)).when(reserve(5)).thenThrows(QuotaExceeded) as QuotaExceeded;
      expect(err.retryAfterS).to.equal(14 * 3600);
    });

    it('counts released slots as free again', () => given([...reservations(5), released('s2')]).when(reserve(5)).then([reserved('new')]));

    it('counts each model on its own', () => given(reservations(5, 'gemini')).when(reserve(5, { model: 'gpt-4' })).then([reserved('new', 'gpt-4')]));

    it('treats null and 0 as unlimited', () => {
      given(reservations(500)).when(reserve(null)).then([reserved('new')]);
      given(reservations(500)).when(reserve(0)).then([reserved('new')]);
    });

    it('with one second left in the day, says retry in one second', () => {
      const err = given(reservations(1)).when(reserve(1, { when: '2026-11-24T23:59:59.000Z' })).thenThrows(QuotaExceeded) as QuotaExceeded;
      expect(err.retryAfterS).to.equal(1);
    });
  });

  describe('releasing', () => {
    it('gives back a held slot', () => given(reservations(2)).when(release('s1')).then([released('s1')]));
    it('frees nothing twice, so a retried release cannot free another request’s slot', () =>
      given([...reservations(2), released('s1')]).when(release('s1')).then([]));
    it('frees nothing that was never taken, nor a slot under another model’s name', () => {
      given([]).when(release('s0')).then([]);
      given(reservations(1, 'gpt-4')).when(release('s0', 'gemini')).then([]);
    });
  });

  describe('the UTC day', () => {
    it('ends at 23:59:59Z; 00:00:00Z is a new day with a fresh stream', () => {
      expect(utcDay('2026-11-24T23:59:59.000Z')).to.equal('2026-11-24');
      expect(utcDay('2026-11-25T00:00:00.000Z')).to.equal('2026-11-25');
      expect(aiQuotaStream('user-1', utcDay('2026-11-25T00:00:00.000Z'))).to.equal('aiQuota-user-1-2026-11-25');
    });
    it('resets at the next midnight, a full day away at midnight itself', () => {
      expect(nextUtcMidnight('2026-11-24T23:59:59.000Z')).to.equal('2026-11-25T00:00:00.000Z');
      expect(nextUtcMidnight('2026-11-25T00:00:00.000Z')).to.equal('2026-11-26T00:00:00.000Z');
      expect(secondsUntilReset('2026-11-25T00:00:00.000Z')).to.equal(86_400);
      expect(secondsUntilReset('2026-11-24T23:59:59.500Z')).to.equal(1);
      expect(secondsUntilReset('2026-12-31T12:00:00.000Z')).to.equal(43_200);
    });
  });

  describe('principals', () => {
    it('is the user id when signed in, else a stable hash of the client IP that does not reveal it', () => {
      expect(principalFor({ id: 42 }, '10.0.0.1')).to.equal('user-42');
      const anon = principalFor(null, '10.0.0.1');
      expect(anon).to.match(/^anon-[0-9a-f]{16}$/);
      expect(anon).not.to.contain('10.0.0.1');
      expect(principalFor(null, '10.0.0.1')).to.equal(anon);
      expect(principalFor(null, '10.0.0.2')).not.to.equal(anon);
    });
  });
});

/** The commands on the real PostgreSQL event store: the expected revision is what makes the limit hold under concurrency. */
describe('reserveQuota and releaseQuota on the event store', function () {
  this.timeout(30_000);
  let db: Knex;
  let store: PostgresEventStore;
  let runtime: ProjectionRuntime;
  const context = (when: string): CommandContext => ({ userId: null, requestId: 'test', at: when });
  const uid = () => randomBytes(5).toString('hex');
  /** Waits for the projector to apply this stream's last event (not the head, which a busy server's open transactions can hold back). */
  const projected = async (principal: string, onDay: string) => {
    const events = await store.readStream(aiQuotaStream(principal, onDay));
    await runtime.waitFor(['ai_usage_daily'], events[events.length - 1]!.position, 10_000);
  };

  before(async () => {
    db = createKnex(testDatabaseUrl());
    store = await PostgresEventStore.connect({ connectionString: testDatabaseUrl(), poolSize: 20 });
    runtime = new ProjectionRuntime({
      db,
      store,
      connectionString: testDatabaseUrl(),
      projections: [anyProjection(aiUsageDailyProjection)],
      logger: pino({ level: 'silent' }),
      runProjectors: true,
      standbyRetryMs: 100,
    });
    await runtime.start();
  });
  after(async () => {
    await runtime?.stop();
    await store?.close();
    await db?.destroy();
  });

  it('lets exactly 5 of 30 concurrent requests through a limit of 5', async () => {
    const principal = `user-${uid()}`;
    const model = `Race ${uid()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => reserveQuota({ store }, { principal, model, limit: 5 }, context(at))),
    );
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(fulfilled).to.have.length(5);
    expect(refused).to.have.length(25);
    for (const reason of refused) expect(reason).to.be.instanceOf(QuotaExceeded);
    expect(await quotaUsage(store, principal, model, day)).to.equal(5);
    expect(await store.readStream(aiQuotaStream(principal, day))).to.have.length(5);

    await projected(principal, day);
    expect(await dailyUsage(db, day)).to.deep.include({ day, model: model.toLowerCase(), reserved: 5, released: 0 });
  });

  it('reports usage, gives a failed generation’s slot back once, and starts afresh at 00:00 UTC', async () => {
    const principal = principalFor(null, `192.0.2.${Math.floor(Math.random() * 250)}-${uid()}`);
    const model = `Day ${uid()}`;
    const first = await reserveQuota({ store }, { principal, model: model.toUpperCase(), limit: 2 }, context('2026-11-24T23:59:58.000Z'));
    expect(first.id).to.be.a('string');
    expect(first).to.deep.equal({
      id: first.id,
      principal,
      model: model.toLowerCase(),
      day,
      dailyLimit: 2,
      usedToday: 1,
      remainingToday: 1,
      resetsAt: '2026-11-25T00:00:00.000Z',
    });
    await reserveQuota({ store }, { principal, model, limit: 2 }, context('2026-11-24T23:59:59.000Z'));
    await releaseQuota({ store }, first, 'provider_failed', context('2026-11-24T23:59:59.500Z'));
    await releaseQuota({ store }, first, 'provider_failed', context('2026-11-24T23:59:59.600Z'));
    expect(await quotaUsage(store, principal, model, day)).to.equal(1);

    const third = await reserveQuota({ store }, { principal, model, limit: 2 }, context('2026-11-24T23:59:59.700Z'));
    expect(third.remainingToday).to.equal(0);
    try {
      await reserveQuota({ store }, { principal, model, limit: 2 }, context('2026-11-24T23:59:59.800Z'));
      expect.fail('the limit was reached');
    } catch (err) {
      expect(err).to.be.instanceOf(QuotaExceeded);
      expect((err as QuotaExceeded).retryAfterS).to.equal(1);
    }

    const nextDay = await reserveQuota({ store }, { principal, model, limit: 2 }, context('2026-11-25T00:00:00.000Z'));
    expect(nextDay).to.include({ day: '2026-11-25', usedToday: 1, remainingToday: 1, resetsAt: '2026-11-26T00:00:00.000Z' });

    const unlimited = await reserveQuota({ store }, { principal, model: `Free ${uid()}`, limit: null }, context(at));
    expect(unlimited).to.include({ dailyLimit: null, usedToday: 1, remainingToday: null });

    await projected(principal, day);
    expect(await dailyUsage(db, day)).to.deep.include({ day, model: model.toLowerCase(), reserved: 3, released: 1 });
    expect(await dailyUsage(db, '2026-11-25')).to.deep.include({ day: '2026-11-25', model: model.toLowerCase(), reserved: 1, released: 0 });
  });
});
