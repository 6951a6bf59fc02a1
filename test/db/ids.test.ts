import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/knex.js';
import { sequenceIds } from '../../src/db/ids.js';
import { testDatabaseUrl } from '../support/db.js';

describe('sequence ids', () => {
  let db: Knex;
  let queries = 0;
  const count = () => queries++;

  before(() => {
    db = createKnex(testDatabaseUrl(), { max: 4 });
    db.on('query', count);
  });
  after(() => db.destroy());

  it('gives a burst of concurrent callers distinct ids in fewer round trips than callers', async () => {
    const ids = sequenceIds(db);
    queries = 0;
    const burst = await Promise.all(Array.from({ length: 100 }, () => ids.next('resume')));
    expect(new Set(burst).size).to.equal(100);
    expect(queries).to.be.at.most(2); // the first caller's query, then one for everyone who queued behind it
    const sorted = [...burst].sort((a, b) => a - b);
    expect(sorted[99]! - sorted[0]!).to.equal(99); // nothing reserved and left unused
  });

  it('keeps kinds apart and never hands out an id twice across allocators (processes)', async () => {
    const [a, b] = [sequenceIds(db), sequenceIds(db)];
    const got = await Promise.all([...Array.from({ length: 30 }, () => a.next('jobApplication')), ...Array.from({ length: 30 }, () => b.next('jobApplication')), a.next('user')]);
    expect(new Set(got.slice(0, 60)).size).to.equal(60);
  });

  it('rejects every waiter of a failed query and recovers on the next call', async () => {
    const broken = createKnex(testDatabaseUrl(), { max: 1 });
    const ids = sequenceIds(broken);
    await broken.destroy();
    const results = await Promise.allSettled([ids.next('user'), ids.next('user')]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    expect(await sequenceIds(db).next('user')).to.be.a('number');
  });
});
