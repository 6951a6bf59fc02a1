import { expect } from 'chai';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/knex.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import pg from 'pg';
import { allProjections } from '../../src/projections/index.js';
import { BatchWriter } from '../../src/projections/writer/batchWriter.js';
import { testDatabaseUrl } from '../support/db.js';

/**
 * applyBatch merges a batch's inserts and patches in memory. Whatever the events and however the
 * log is cut into batches, the tables must end up exactly as one plain statement per event
 * (the oracle below, the read models' SQL written out by hand) leaves them.
 */
const MERGED = allProjections.filter((p) => ['users', 'resumes', 'job_applications', 'job_application_events', 'ai_usage_daily'].includes(p.name));
const TABLES = MERGED.flatMap((p) => p.tables);
const merged = (t: string) => `merged_${t}`;
const oracle = (t: string) => `oracle_${t}`;

type Step =
  | { op: 'register' | 'createResume' | 'createApplication'; user: number; resume: number; text: string }
  | { op: 'password' | 'deactivate'; user: number; text: string }
  | { op: 'updateResume' | 'deleteResume'; resume: number; text: string }
  | { op: 'updateApplication'; application: number; text: string; resume: number; status: boolean }
  | { op: 'softDelete' | 'restore'; application: number }
  | { op: 'reserve' | 'release'; day: number; model: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('register' as const, 'createResume' as const, 'createApplication' as const), user: fc.nat(4), resume: fc.nat(6), text: fc.string({ maxLength: 8 }) }), weight: 3 },
  fc.record({ op: fc.constantFrom('password' as const, 'deactivate' as const), user: fc.nat(6), text: fc.string({ maxLength: 8 }) }),
  fc.record({ op: fc.constantFrom('updateResume' as const, 'deleteResume' as const), resume: fc.nat(6), text: fc.string({ maxLength: 8 }) }),
  fc.record({ op: fc.constant('updateApplication' as const), application: fc.nat(8), text: fc.string({ maxLength: 8 }), resume: fc.nat(6), status: fc.boolean() }),
  fc.record({ op: fc.constantFrom('softDelete' as const, 'restore' as const), application: fc.nat(8) }),
  fc.record({ op: fc.constantFrom('reserve' as const, 'release' as const), day: fc.nat(1), model: fc.nat(2) }),
);

/** Steps as events: ids are handed out in order, so every create is new; patches may name rows that do not exist. */
function eventsOf(steps: readonly Step[]): RecordedEvent[] {
  let users = 0;
  let resumes = 0;
  let applications = 0;
  return steps.map((s, n) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
    const event = (type: string, data: Record<string, unknown>) =>
      ({ type, data: { ...data, at }, position: `p${String(n).padStart(4, '0')}`, streamId: 's', revision: 0n, metadata: { at }, createdAt: new Date(at) }) as unknown as RecordedEvent;
    switch (s.op) {
      case 'register':
        users++;
        return event('UserRegistered', { id: users, username: `U${users}-${s.text}`, email: 'e@x', passwordHash: s.text, isStaff: s.user === 0 });
      case 'password':
        return event('UserPasswordChanged', { id: s.user, passwordHash: `h${s.text}` });
      case 'deactivate':
        return event('UserDeactivated', { id: s.user });
      case 'createResume':
        resumes++;
        return event('ResumeCreated', { id: resumes, userId: s.user, username: `u${s.user}`, title: s.text, content: `c'${s.text}\\`, source: 'manual' });
      case 'updateResume':
        return event('ResumeUpdated', { id: s.resume, userId: 1, changes: s.text.length % 2 ? { title: s.text } : { content: s.text } });
      case 'deleteResume':
        return event('ResumeDeleted', { id: s.resume, userId: 1 });
      case 'createApplication': {
        applications++;
        const fields = { job_title: s.text, company_name: 'Acme', original_job_description: '', resume_used: s.resume || null, date_applied: s.resume % 2 ? '2026-01-02' : null, status: 'Applied', notes: '' };
        return event('JobApplicationCreated', { id: applications, userId: s.user, fields, isExample: false });
      }
      case 'updateApplication': {
        const changes = s.status ? { status: 'Interviewing', notes: s.text } : { resume_used: s.resume || null };
        return event('JobApplicationUpdated', { id: s.application, userId: 1, changes });
      }
      case 'softDelete':
        return event('JobApplicationSoftDeleted', { id: s.application, userId: 1 });
      case 'restore':
        return event('JobApplicationRestored', { id: s.application, userId: 1 });
      case 'reserve':
      case 'release':
        return event(s.op === 'reserve' ? 'AiQuotaReserved' : 'AiQuotaReleased', { slot: 'x', model: `m${s.model}`, day: `2026-01-0${s.day + 1}` });
    }
  });
}

interface EventData {
  id: number;
  userId: number;
  at: string;
  username: string;
  email: string;
  passwordHash: string;
  isStaff: boolean;
  title: string;
  content: string;
  source: string;
  changes: Record<string, unknown>;
  fields: Record<string, unknown>;
  isExample: boolean;
  day: string;
  model: string;
}

/** The read models' effect, one plain statement per event. */
async function applyOne(trx: Knex.Transaction, { type, data, position }: RecordedEvent): Promise<void> {
  const d = data as EventData;
  const t = (name: string) => trx(oracle(name));
  switch (type) {
    case 'UserRegistered':
      await t('users')
        .insert({ id: d.id, username: d.username, username_lower: d.username.toLowerCase(), email: d.email, password_hash: d.passwordHash, is_staff: d.isStaff, is_active: true, date_joined: d.at, updated_at: d.at })
        .onConflict('id')
        .ignore();
      return;
    case 'UserPasswordChanged':
      await t('users').where({ id: d.id }).update({ password_hash: d.passwordHash, updated_at: d.at });
      return;
    case 'UserDeactivated':
      await t('users').where({ id: d.id }).update({ is_active: false, updated_at: d.at });
      return;
    case 'ResumeCreated':
      await t('resumes').insert({ id: d.id, user_id: d.userId, username: d.username, title: d.title, content: d.content, source: d.source, ai_model: null, created_at: d.at, updated_at: d.at });
      return;
    case 'ResumeUpdated':
      await t('resumes').where({ id: d.id }).update({ ...d.changes, updated_at: d.at });
      return;
    case 'ResumeDeleted':
      await t('resumes').where({ id: d.id }).delete();
      await t('job_applications').where({ resume_used: d.id }).update({ resume_used: null });
      await t('job_application_gone_resumes').insert({ resume_id: d.id }).onConflict('resume_id').ignore();
      return;
    case 'AiQuotaReserved':
    case 'AiQuotaReleased':
      await t('ai_usage_daily').insert({ day: d.day, model: d.model }).onConflict(['day', 'model']).ignore();
      await t('ai_usage_daily').where({ day: d.day, model: d.model }).increment(type === 'AiQuotaReserved' ? 'reserved' : 'released', 1);
      return;
  }
  const changes: Record<string, unknown> =
    type === 'JobApplicationCreated' ? { ...d.fields, is_example: d.isExample } : type === 'JobApplicationUpdated' ? d.changes : { is_deleted: type === 'JobApplicationSoftDeleted' };
  await t('job_application_events').insert({ position, application_id: d.id, user_id: d.userId, type, at: d.at, changes: JSON.stringify(changes) });
  // A deleted resume is never referenced again, whatever comes after its deletion.
  const gone = async (fields: Record<string, unknown>) =>
    fields.resume_used != null && (await t('job_application_gone_resumes').where({ resume_id: fields.resume_used }).first()) ? { ...fields, resume_used: null } : fields;
  if (type === 'JobApplicationCreated') {
    await t('job_applications').insert({ id: d.id, user_id: d.userId, ...(await gone(d.fields)), is_deleted: false, is_example: d.isExample, created_at: d.at, updated_at: d.at });
  } else {
    await t('job_applications').where({ id: d.id }).update({ ...(await gone(changes)), updated_at: d.at });
  }
}

describe('the read-model writer merging a batch\'s changes', function () {
  this.timeout(120_000);
  let db: Knex;
  let client: pg.Client;

  const dump = async (name: (t: string) => string) => {
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const { rows } = (await db.raw(`SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS dump FROM ?? t`, [name(table)])) as { rows: { dump: string }[] };
      out[table] = rows[0]!.dump;
    }
    return out;
  };

  before(async () => {
    db = createKnex(testDatabaseUrl(), { max: 2 });
    client = new pg.Client({ connectionString: testDatabaseUrl(), pipeline: true });
    await client.connect();
    for (const table of TABLES) {
      for (const copy of [merged(table), oracle(table)]) await db.raw(`CREATE TABLE ?? (LIKE ?? INCLUDING ALL)`, [copy, table]);
    }
  });
  after(async () => {
    for (const table of TABLES) await db.raw(`DROP TABLE IF EXISTS ??, ??`, [merged(table), oracle(table)]);
    await client.end();
    await db.destroy();
  });

  it('leaves the same tables as one statement per event, however the log is cut into batches', async () => {
    const runs: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 4 }), async (steps, cuts) => {
        await db.raw(`TRUNCATE ${TABLES.flatMap((t) => [merged(t), oracle(t)]).map((t) => `"${t}"`).join(', ')}`);
        const events = eventsOf(steps);
        const bounds: number[] = [0, ...[...new Set(cuts)].sort((a, b) => a - b).filter((c) => c > 0 && c < events.length), events.length];
        for (let i = 1; i < bounds.length; i++) {
          const batch = events.slice(bounds[i - 1], bounds[i]);
          await client.query('BEGIN');
          const writer = new BatchWriter(client, { tableName: merged });
          for (const projection of MERGED) writer.apply(projection, batch.filter((e) => projection.handles.includes(e.type)));
          await writer.drain();
          await client.query('COMMIT');
        }
        await db.transaction(async (trx) => {
          for (const event of events) await applyOne(trx, event);
        });
        const [mine, expected] = [await dump(merged), await dump(oracle)];
        expect(mine).to.deep.equal(expected);
        runs.push(expected.job_applications ?? '');
      }),
      { numRuns: 40 },
    );
    // The property saw real tables: rows, and references cleared by deleted resumes.
    expect(runs.some((r) => r.split('\n').length >= 3)).to.equal(true);
  });
});
