import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import pino from 'pino';
import { createKnex } from '../../src/db/knex.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { allProjections } from '../../src/projections/index.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';
import { openTestEventStore } from '../support/eventStore.js';
import { testDatabaseUrl } from '../support/db.js';

/** Every SQL text this process hands the driver while `run` runs (knex goes through pg.Client too). */
async function capturingSql(run: () => Promise<void>): Promise<string[]> {
  const texts: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    if (typeof config === 'string') texts.push(config);
    else if (config && typeof (config as { text?: unknown }).text === 'string') texts.push((config as { text: string }).text);
    return (query as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof query;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = query;
  }
  return texts;
}

/**
 * Finding 1 of "8. Bounded": a text of 85,000 dollar-quote tags froze the projector, which
 * inlined values into its SQL. Now user text reaches PostgreSQL only as bind parameters:
 * whatever a resume or an application says, no statement's text contains it, and
 * the read models store it unchanged, live and after a rebuild.
 */
describe('hostile text through the projectors', function () {
  this.timeout(120_000);
  let db: Knex;
  let store: EventStore;

  const marker = `HOSTILE${randomInt(1e9)}`;
  const dollarTags = `$rows$${Array.from({ length: 85_000 }, (_, n) => `$rows${n}$`).join('')}`;
  const payloads = {
    dollars: `${marker}${dollarTags}`,
    quotes: `${marker} it's "quoted" ''; DROP TABLE users; -- $$ $a$ E'\\x' \\N`,
    controls: `${marker}\t\r\n\u0001\u0008\u001b\u007f\\t\\n`,
    megabyte: `${marker}${"'\\".repeat(512 * 1024)}`,
  };
  const base = 900_000_000 + randomInt(1_000_000) * 10;
  const at = '2026-12-03T10:00:00.000Z';

  before(async () => {
    db = createKnex(testDatabaseUrl(), { max: 2 });
    store = await openTestEventStore(testDatabaseUrl());
  });
  after(async () => {
    await store.close();
    await db.destroy();
  });

  async function appendHostileEvents(): Promise<void> {
    const texts = Object.values(payloads);
    for (const [n, text] of texts.entries()) {
      const id = base + n;
      await store.append(`resume-${id}`, [{ type: 'ResumeCreated', data: { id, userId: base, username: `u${base}`, title: text.slice(0, 300), content: text, source: 'manual', at }, metadata: { at } }], {
        expectedRevision: 'no_stream',
      });
      const fields = { job_title: text.slice(0, 200), company_name: text.slice(0, 200), original_job_description: text, resume_used: id, date_applied: null, status: 'Applied', notes: text };
      await store.append(`jobApplication-${id}`, [{ type: 'JobApplicationCreated', data: { id, userId: base, fields, isExample: false, at }, metadata: { at } }], {
        expectedRevision: 'no_stream',
      });
      await store.append(`jobApplication-${id}`, [{ type: 'JobApplicationUpdated', data: { id, userId: base, changes: { notes: `${text}!` }, at }, metadata: { at } }], {
        expectedRevision: 0n,
      });
    }
  }

  const storedRows = async () => ({
    resumes: await db('resumes').select('id', 'title', 'content').where({ user_id: base }).orderBy('id'),
    applications: await db('job_applications').select('id', 'job_title', 'original_job_description', 'notes').where({ user_id: base }).orderBy('id'),
  });

  it('sends no user text in any statement, and stores every text unchanged, live and rebuilt', async () => {
    const texts = await capturingSql(async () => {
      const runtime = new ProjectionRuntime({ db, store, connectionString: testDatabaseUrl(), projections: allProjections, logger: pino({ level: 'silent' }), runProjectors: true });
      await runtime.start();
      try {
        await appendHostileEvents();
        await runtime.catchUp(60_000);
      } finally {
        await runtime.stop();
      }
    });
    const live = await storedRows();
    const rebuiltTexts = await capturingSql(async () => {
      await rebuildProjections({ db, store, connectionString: testDatabaseUrl() }, { projections: allProjections });
    });

    const expected = Object.values(payloads).map((text, n) => ({ id: base + n, text }));
    expect(live.resumes.map((r: { id: number; content: string }) => ({ id: r.id, text: r.content }))).to.deep.equal(expected);
    expect(live.applications.map((r: { id: number; notes: string }) => ({ id: r.id, text: r.notes.slice(0, -1) }))).to.deep.equal(expected);
    expect(await storedRows()).to.deep.equal(live);

    const sent = [...texts, ...rebuiltTexts];
    expect(sent.some((t) => t.includes('json_populate_recordset'))).to.equal(true); // the projectors' writes were seen
    expect(rebuiltTexts.some((t) => t.startsWith('INSERT INTO "resumes__rebuild"'))).to.equal(true); // and the rebuild's load
    expect(sent.filter((t) => t.includes(marker) || t.includes('$rows0$'))).to.deep.equal([]);
    expect(Math.max(...sent.map((t) => t.length))).to.be.below(4096);
  });
});
