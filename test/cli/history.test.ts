import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../../src/commands/deps.js';
import { userStream } from '../../src/domain/user/index.js';
import { exportLog, type ExportFormat, type ExportOptions } from '../../src/history/exportLog.js';
import type { EventFilter } from '../../src/history/eventFilter.js';
import { EXPORT_COLUMNS, type ExportRecord } from '../../src/history/exportRecord.js';
import { jobApplicationStatsAsOf } from '../../src/history/statsAsOf.js';
import { parseCsv, runAdmin } from '../support/adminCli.js';
import { startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { requireRedis } from '../support/redis.js';

/** Days of January 2001: far from any other test's clock, so "every user" counts only this history. */
const day = (d: number, hour = 0) => new Date(Date.UTC(2001, 0, d, hour));
const TRICKY_TITLE = 'Dev, "Senior"\nBackend — Zürich ✓ 日本';
const TRICKY_NOTES = 'a,b "c"\r\nline 2; emoji 🚀';

describe('admin history', function () {
  this.timeout(180_000); // child processes start tsx: seconds each on a busy machine
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;
  const clock: Clock & { at: Date } = { at: day(1), now: () => clock.at };
  const ids: Record<'a1' | 'a2' | 'a3' | 'b1', number> = { a1: 0, a2: 0, a3: 0, b1: 0 };
  let created: { job_title: string; notes: string };

  const store = () => api.server.infrastructure.store;
  async function at<T>(when: Date, run: () => Promise<{ status: number; body: T }>): Promise<T> {
    clock.at = when;
    const { status, body } = await run();
    if (status >= 300) throw new Error(`${status} ${JSON.stringify(body)}`);
    return body;
  }
  const createApplication = (user: TestUser, when: Date, fields: Record<string, unknown>) =>
    at(when, () => user.post<{ id: number; job_title: string; notes: string }>('/api/job-applications/', { job_title: 'Engineer', company_name: 'Acme', ...fields }));
  const moveTo = (user: TestUser, id: number, when: Date, status: string) => at(when, () => user.patch(`/api/job-applications/${id}/`, { status }));

  /**
   * alice: A1 Applied 1st → Interviewing 3rd → Offer 8th; A2 Applied 2nd → Interviewing 6th →
   * Rejected 10th; A3 Applied 4th, deleted 9th, restored 11th. bob: B1 Interviewing 5th → Offer 7th.
   */
  before(async function () {
    await requireRedis(this);
    api = await startTestApi({}, {}, { clock });
    alice = await api.newUser();
    bob = await api.newUser();
    const a1 = await createApplication(alice, day(1), { job_title: TRICKY_TITLE, notes: TRICKY_NOTES });
    created = a1;
    ids.a1 = a1.id;
    ids.a2 = (await createApplication(alice, day(2), {})).id;
    await moveTo(alice, ids.a1, day(3), 'Interviewing');
    ids.a3 = (await createApplication(alice, day(4), {})).id;
    ids.b1 = (await createApplication(bob, day(5), { status: 'Interviewing' })).id;
    await moveTo(alice, ids.a2, day(6), 'Interviewing');
    await moveTo(bob, ids.b1, day(7), 'Offer');
    await moveTo(alice, ids.a1, day(8), 'Offer');
    await at(day(9), () => alice.delete(`/api/job-applications/${ids.a3}/`));
    await moveTo(alice, ids.a2, day(10), 'Rejected');
    await at(day(11), () => alice.post(`/api/job-applications/${ids.a3}/restore/`));
  });
  after(() => api?.stop());

  async function exported(format: ExportFormat, filter: EventFilter, paging: Pick<ExportOptions, 'pageSize' | 'onPage'> = {}): Promise<string> {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    await exportLog(store(), { format, filter, ...paging }, out);
    return text;
  }
  const ndjson = async (filter: EventFilter): Promise<ExportRecord[]> =>
    (await exported('ndjson', filter)).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ExportRecord);

  describe('export', () => {
    it("writes one parseable JSON line per event of a user's, about them or by them, in log order", async () => {
      const records = await ndjson({ userId: alice.id });
      expect(records.every((r) => r.user_id === alice.id || (r.metadata as { userId?: number }).userId === alice.id)).to.equal(true);
      expect(records.map((r) => r.type)).to.include.members(['UsernameReserved', 'UserRegistered', 'JobApplicationCreated', 'JobApplicationRestored']);
      expect(records.some((r) => r.stream === `jobApplication-${ids.b1}`)).to.equal(false);
      const positions = records.map((r) => r.position);
      expect(positions).to.deep.equal(positions.toSorted());
      expect(Object.keys(records[0]!)).to.deep.equal([...EXPORT_COLUMNS]);
    });

    it('pages through the whole log without losing or repeating an event at page boundaries', async () => {
      const pages: number[] = [];
      const paged = await exported('ndjson', {}, { pageSize: 7, onPage: (n) => pages.push(n) });
      const positions = paged.trimEnd().split('\n').map((line) => (JSON.parse(line) as ExportRecord).position);
      expect(pages.length).to.be.greaterThan(3);
      expect(new Set(positions).size).to.equal(positions.length);
      expect(paged).to.equal(await exported('ndjson', {}));
    });

    it('redacts password hashes', async () => {
      const [registered] = await store().readStream<{ type: string; data: { passwordHash: string } }>(userStream(alice.id));
      const hash = registered!.data.passwordHash;
      expect(hash).to.match(/^bcrypt_sha256\$\$2/);
      const text = await exported('ndjson', { userId: alice.id });
      expect(text).not.to.include(hash);
      const record = text.split('\n').map((l) => (l ? (JSON.parse(l) as ExportRecord) : undefined)).find((r) => r?.type === 'UserRegistered');
      expect((record!.data as { passwordHash: string }).passwordHash).to.equal('[redacted]');
      expect(await exported('csv', { userId: alice.id })).not.to.include(hash);
    });

    it('keeps a stream category or an event type', async () => {
      const category = await ndjson({ userId: alice.id, types: ['jobApplication'] });
      // A1 and A2: created + (updated, status changed) × 2; A3: created, deleted, restored.
      expect(category).to.have.length(13);
      expect(category.every((r) => r.stream.startsWith('jobApplication-'))).to.equal(true);
      const moves = await ndjson({ userId: alice.id, types: ['JobApplicationStatusChanged'] });
      expect(moves.map((r) => [r.stream, (r.data as { to: string }).to, r.at])).to.deep.equal([
        [`jobApplication-${ids.a1}`, 'Interviewing', day(3).toISOString()],
        [`jobApplication-${ids.a2}`, 'Interviewing', day(6).toISOString()],
        [`jobApplication-${ids.a1}`, 'Offer', day(8).toISOString()],
        [`jobApplication-${ids.a2}`, 'Rejected', day(10).toISOString()],
      ]);
      const either = await ndjson({ userId: alice.id, types: ['JobApplicationSoftDeleted', 'user'] });
      expect(either.map((r) => r.type)).to.deep.equal(['UserRegistered', 'JobApplicationSoftDeleted']);
    });

    it('keeps a time window: since inclusive, until exclusive', async () => {
      const records = await ndjson({ userId: alice.id, types: ['jobApplication'], since: day(3), until: day(8) });
      expect(records.map((r) => [r.type, r.at])).to.deep.equal([
        ['JobApplicationUpdated', day(3).toISOString()],
        ['JobApplicationStatusChanged', day(3).toISOString()],
        ['JobApplicationCreated', day(4).toISOString()],
        ['JobApplicationUpdated', day(6).toISOString()],
        ['JobApplicationStatusChanged', day(6).toISOString()],
      ]);
    });

    it('escapes commas, quotes, line breaks and unicode in CSV, with data as a JSON column', async () => {
      const rows = parseCsv(await exported('csv', { userId: alice.id, types: ['JobApplicationCreated'] }));
      expect(rows[0]).to.deep.equal([...EXPORT_COLUMNS]);
      expect(rows.slice(1)).to.have.length(3);
      const first = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, rows[1]![i]]));
      const fields = (JSON.parse(first.data!) as { fields: { job_title: string; notes: string } }).fields;
      expect(fields.job_title).to.equal(created.job_title).and.to.include('Zürich ✓ 日本');
      expect(fields.notes).to.equal(created.notes).and.to.include('🚀');
      expect(first).to.include({ stream: `jobApplication-${ids.a1}`, type: 'JobApplicationCreated', revision: '0', user_id: String(alice.id), at: day(1).toISOString() });
    });

    it('runs as a command: CSV to stdout, NDJSON to --out, exit 1 for an unknown user, 2 for bad usage', async () => {
      const csv = await runAdmin(['history', 'export', '--format', 'csv', '--user', alice.username, '--type', 'JobApplicationCreated']);
      expect(csv.code, csv.stderr).to.equal(0);
      const rows = parseCsv(csv.stdout);
      expect(rows.map((r) => r[1])).to.deep.equal(['stream', `jobApplication-${ids.a1}`, `jobApplication-${ids.a2}`, `jobApplication-${ids.a3}`]);

      const dir = await mkdtemp(path.join(tmpdir(), 'resumate-export-'));
      try {
        const file = path.join(dir, 'bob.ndjson');
        const toFile = await runAdmin(['history', 'export', '--user', String(bob.id), '--type', 'jobApplication', '--out', file]);
        expect(toFile.code, toFile.stderr).to.equal(0);
        expect(toFile.stderr).to.include(`3 events written to ${file}`);
        const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as ExportRecord);
        expect(lines.map((r) => r.type)).to.deep.equal(['JobApplicationCreated', 'JobApplicationUpdated', 'JobApplicationStatusChanged']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }

      const [unknown, badFormat, badTime] = await Promise.all([
        runAdmin(['history', 'export', '--user', 'nobody_at_all_here']),
        runAdmin(['history', 'export', '--format', 'xml']),
        runAdmin(['history', 'export', '--since', 'last week']),
      ]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.include('No user "nobody_at_all_here"');
      expect([badFormat.code, badTime.code]).to.deep.equal([2, 2]);
    });
  });

  describe('timeline', () => {
    it("shows an application's changes with time, status from → to (each move once) and changed fields", async () => {
      const run = await runAdmin(['history', 'timeline', String(ids.a1), '--json']);
      expect(run.code, run.stderr).to.equal(0);
      const timeline = JSON.parse(run.stdout) as { userId: number; entries: { at: string; type: string; status: unknown; changes: Record<string, unknown> }[] };
      expect(timeline.userId).to.equal(alice.id);
      expect(timeline.entries.map(({ at, type, status }) => ({ at, type, status }))).to.deep.equal([
        { at: day(1).toISOString(), type: 'JobApplicationCreated', status: { from: null, to: 'Applied' } },
        { at: day(3).toISOString(), type: 'JobApplicationStatusChanged', status: { from: 'Applied', to: 'Interviewing' } },
        { at: day(8).toISOString(), type: 'JobApplicationStatusChanged', status: { from: 'Interviewing', to: 'Offer' } },
      ]);
      expect(timeline.entries[0]!.changes).to.include({ job_title: created.job_title, company_name: 'Acme', is_example: false });
      expect(timeline.entries[1]!.changes).to.deep.equal({ status: 'Interviewing' });
    });

    it('prints a readable timeline; exit 1 for a missing application, 2 for a bad id', async () => {
      const [run, missing, badId] = await Promise.all([
        runAdmin(['history', 'timeline', String(ids.a3)]),
        runAdmin(['history', 'timeline', '999999999']),
        runAdmin(['history', 'timeline', 'abc']),
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout.split('\n').filter((l) => l !== '')).to.have.length(4);
      expect(run.stdout).to.match(/JobApplicationCreated\s+∅ → Applied/);
      expect(run.stdout).to.include('is_deleted=true');
      expect([missing.code, badId.code]).to.deep.equal([1, 2]);
    });
  });

  describe('stats --as-of', () => {
    const aliceAsOf = (when: Date) => jobApplicationStatsAsOf(store(), { userId: alice.id, asOf: when });
    const byStatus = (Applied: number, Interviewing: number, Offer: number, Rejected: number) => ({ Applied, Interviewing, Offer, Rejected });

    it('counts only what had happened by then', async () => {
      expect(await aliceAsOf(day(2, 12))).to.deep.equal({
        total: 2,
        by_status: byStatus(2, 0, 0, 0),
        reached: { Interviewing: { count: 0, rate: 0 }, Offer: { count: 0, rate: 0 } },
        median_days: { applied_to_interviewing: null, interviewing_to_offer: null },
      });
      expect(await aliceAsOf(day(6, 12))).to.deep.equal({
        total: 3,
        by_status: byStatus(1, 2, 0, 0),
        reached: { Interviewing: { count: 2, rate: 0.6667 }, Offer: { count: 0, rate: 0 } },
        median_days: { applied_to_interviewing: 3, interviewing_to_offer: null },
      });
    });

    it('leaves out an application deleted by then and counts it again once restored', async () => {
      expect(await aliceAsOf(day(9, 12))).to.deep.equal({
        total: 2,
        by_status: byStatus(0, 1, 1, 0),
        reached: { Interviewing: { count: 2, rate: 1 }, Offer: { count: 1, rate: 0.5 } },
        median_days: { applied_to_interviewing: 3, interviewing_to_offer: 5 },
      });
      expect(await aliceAsOf(day(11, 12))).to.deep.equal({
        total: 3,
        by_status: byStatus(1, 0, 1, 1),
        reached: { Interviewing: { count: 2, rate: 0.6667 }, Offer: { count: 1, rate: 0.3333 } },
        median_days: { applied_to_interviewing: 3, interviewing_to_offer: 5 },
      });
    });

    it('gives the endpoint’s numbers for today', async () => {
      const { body } = await alice.get('/api/job-applications/stats/');
      expect(await jobApplicationStatsAsOf(store(), { userId: alice.id })).to.deep.equal(body);
    });

    it('covers every user without --user', async () => {
      expect(await jobApplicationStatsAsOf(store(), { asOf: day(9, 12) })).to.deep.equal({
        total: 3,
        by_status: byStatus(0, 1, 2, 0),
        reached: { Interviewing: { count: 3, rate: 1 }, Offer: { count: 2, rate: 0.6667 } },
        median_days: { applied_to_interviewing: 3, interviewing_to_offer: 3.5 },
      });
    });

    it('runs as a command: exit 0 with the endpoint’s JSON, 1 for an unknown user, 2 for a bad time', async () => {
      const [run, text, unknown, badTime] = await Promise.all([
        runAdmin(['history', 'stats', '--user', alice.username, '--as-of', '2001-01-06T12:00:00Z', '--json']),
        runAdmin(['history', 'stats', '--user', String(bob.id), '--as-of', '2001-01-07']),
        runAdmin(['history', 'stats', '--user', 'nobody_at_all_here']),
        runAdmin(['history', 'stats', '--as-of', 'soon']),
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.equal(await aliceAsOf(day(6, 12)));
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.include('as of 2001-01-07T00:00:00.000Z: 1 application\n');
      expect(text.stdout).to.match(/Offer\s+1/);
      expect([unknown.code, badTime.code]).to.deep.equal([1, 2]);
    });
  });
});
