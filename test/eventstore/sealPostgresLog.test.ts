import { expect } from 'chai';
import pg from 'pg';
import { createKnex, migrateToLatest } from '../../src/db/knex.js';
import type { NewEvent } from '../../src/eventstore/port.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { Keyring } from '../../src/eventstore/shredding/keyring.js';
import { sealPostgresLog } from '../../src/eventstore/shredding/sealPostgresLog.js';
import { runAdmin } from '../support/adminCli.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { rebuildReadModels } from '../support/readModels.js';

const at = '2026-12-01T09:00:00.000Z';
const meta = { at };

/** A log as written before crypto-shredding: personal data in clear. */
function legacyEvents(userId: number): [string, NewEvent[]][] {
  const name = `legacy${userId}`;
  return [
    [`username-${name}`, [{ type: 'UsernameReserved', data: { username: name, userId, at }, metadata: meta }]],
    [`user-${userId}`, [{ type: 'UserRegistered', data: { id: userId, username: name, email: `${name}@mail.example`, passwordHash: 'x', isStaff: false, at }, metadata: meta }]],
    [`resume-${userId}`, [{ type: 'ResumeCreated', data: { id: userId, userId, username: name, title: `cv title ${name}`, content: `cv body ${name}`, source: 'manual', at }, metadata: meta }]],
    [
      `jobApplication-${userId}`,
      [
        { type: 'JobApplicationCreated', data: { id: userId, userId, at, isExample: false, fields: { job_title: `job ${name}`, company_name: `co ${name}`, original_job_description: '', resume_used: null, date_applied: null, status: 'Applied', notes: `note ${name}` } }, metadata: meta },
        { type: 'JobApplicationUpdated', data: { id: userId, userId, at, changes: { status: 'Interviewing', notes: `later note ${name}` } }, metadata: meta },
        { type: 'JobApplicationStatusChanged', data: { id: userId, userId, at, from: 'Applied', to: 'Interviewing' }, metadata: meta },
      ],
    ],
  ];
}

describe('sealing a log written in clear (admin privacy encrypt-log)', function () {
  this.timeout(120_000);
  const databases: string[] = [];
  const fresh = async (prefix: string) => {
    const created = await createDatabase(prefix);
    databases.push(created.name);
    return created.url;
  };
  after(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  it('is resumable, seals every personal field, erases an erased user’s, and a rebuild after equals the rebuild before', async () => {
    const url = await fresh('resumate_seal');
    const db = createKnex(url, { max: 2 });
    await migrateToLatest(db);
    const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 2 });
    const keyring = new Keyring(db, Buffer.from(TEST_DATA_KEY_ENCRYPTION_KEY, 'base64'));
    try {
      for (const userId of [1, 2, 3]) for (const [stream, events] of legacyEvents(userId)) await store.append(stream, events, { expectedRevision: 'no_stream' });
      await keyring.destroy('user:2'); // erased before the log was sealed
      const before = await rebuildReadModels(url, await fresh('resumate_seal_before'));

      let batches = 0;
      const interrupted = await sealPostgresLog(db, keyring, {
        batchSize: 4,
        onBatch: () => {
          if (++batches === 2) throw new Error('interrupted');
        },
      }).catch((err: unknown) => err);
      expect(interrupted).to.be.instanceOf(Error);
      const marker = (await db('log_encryption_progress').first<{ last_id: string }>('last_id')).last_id;
      const { n: remaining } = (await db('events').where('global_position', '>', marker).count<{ n: string }[]>('* as n'))[0]!;
      expect(Number(remaining), 'two batches were done').to.equal(18 - 8);
      const resumed = await sealPostgresLog(db, keyring, { batchSize: 4 });
      expect(resumed.scanned, 'the resumed run starts after the last batch done').to.equal(18 - 8);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ data: string }>('SELECT data::text AS data FROM events');
        for (const secret of ['cv body', 'cv title', 'note legacy', 'co legacy', 'job legacy', '@mail.example']) {
          expect(rows.filter((r) => r.data.includes(secret)), secret).to.deep.equal([]);
        }
      } finally {
        await client.end();
      }
      const after = await rebuildReadModels(url, await fresh('resumate_seal_after'));
      expect(after).to.deep.equal(before);
      expect(after.resumes!.some((row) => row.includes('"title":"[erased]"'))).to.equal(true);

      const again = await runAdmin(['privacy', 'encrypt-log', '--json'], { DATABASE_URL: url });
      expect(again.code, again.stderr).to.equal(0);
      expect(JSON.parse(again.stdout)).to.include({ scanned: 0, sealed: 0 });
    } finally {
      await store.close();
      await db.destroy();
    }
  });
});
