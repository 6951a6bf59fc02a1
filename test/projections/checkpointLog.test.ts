import { expect } from 'chai';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { createKnex } from '../../src/db/knex.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore.js';
import { allProjections } from '../../src/projections/index.js';
import { ProjectionRefused } from '../../src/projections/progress.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { projectionStatus } from '../../src/projections/status.js';
import { startTestApi, uniqueName, type Response, type TestApi } from '../support/api.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { requireRedis } from '../support/redis.js';
import { until } from '../support/until.js';

interface LogLine {
  level: number;
  msg: string;
  projection?: string;
  refused?: string;
}

interface Checkpoint {
  name: string;
  position: string;
  log_id: string | null;
  refused: string | null;
}

const ERROR = 50;
/** Far past any real position: a checkpoint from a log longer than this one. */
const BEYOND_ANY_HEAD = `${'9'.repeat(20)}:${'9'.repeat(20)}`;

/**
 * Issue 9, problem 7: a checkpoint names the event log it was read from. A projector refuses,
 * loudly, a checkpoint of another log (a wiped or switched event store) or beyond the head of
 * this one, instead of applying nothing while writes answer 201 and /readyz stays green.
 * Each case runs the real server on a database of its own, restarted over a tampered log.
 */
describe('checkpoints tied to their event log', function () {
  this.timeout(60_000);
  before(async function () {
    await requireRedis(this);
  });

  let database: { url: string; name: string };
  let api: TestApi | undefined;
  let logged: LogLine[];

  beforeEach(async () => {
    database = await createDatabase('resumate_checkpoint_log');
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
    await dropDatabase(database.name);
  });

  /** The server on this case's database; nothing waits on a read model for long, so only a refusal answers 503 quickly. */
  async function start(): Promise<TestApi> {
    logged = [];
    const lines = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) logged.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    api = await startTestApi({ DATABASE_URL: database.url, PROJECTION_WAIT_TIMEOUT_MS: '600000' }, {}, { logger: pino({ level: 'warn' }, lines) });
    return api;
  }

  async function restart(tamper: (sql: pg.Client) => Promise<unknown>): Promise<TestApi> {
    await api?.stop();
    api = undefined;
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      await tamper(sql);
    } finally {
      await sql.end();
    }
    return start();
  }

  async function checkpoints(): Promise<Checkpoint[]> {
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      return (await sql.query<Checkpoint>('SELECT name, position, log_id, refused FROM projection_checkpoints ORDER BY name')).rows;
    } finally {
      await sql.end();
    }
  }

  const register = (server: TestApi) => {
    const username = uniqueName();
    return server.post<{ error: string; code: string; detail: string }>('/api/auth/register/', { username, email: `${username}@example.com`, password: 'Correct-Horse-42', password2: 'Correct-Horse-42' });
  };

  const readyz = (server: TestApi) => server.request<{ checks: Record<string, string> }>('/readyz');

  async function refusedOnReadyz(server: TestApi, readModel: string): Promise<Response<{ checks: Record<string, string> }>> {
    let last: Response<{ checks: Record<string, string> }> | undefined;
    const named = async () => {
      last = await readyz(server);
      return last.status === 503 && (last.body.checks.projections ?? '').includes(readModel);
    };
    await until(named, `/readyz to turn red naming ${readModel}`);
    return last!;
  }

  function expectServiceUnavailable(response: Response<{ error: string; code: string; detail: string }>, readModel: string): void {
    expect(response.status, JSON.stringify(response.body)).to.equal(503);
    expect(response.body.code).to.equal('service_unavailable');
    expect(response.body.detail).to.equal(response.body.error);
    expect(response.body.error).to.include('not following the event store').and.include(readModel);
  }

  const refusals = () => logged.filter((line) => line.level === ERROR && line.msg.includes('refused'));

  it('refuses checkpoints of another log (a wiped store): no write waits, /readyz names them, the log says why once; a rebuild lifts it', async () => {
    const first = await start();
    await first.newUser();
    const oldLog = await first.server.infrastructure.store.logId();
    const server = await restart((sql) => sql.query('DELETE FROM stream_snapshots; DELETE FROM events; DELETE FROM event_log_identity'));
    const newLog = await server.server.infrastructure.store.logId();
    expect(newLog).not.to.equal(oldLog);

    const red = await refusedOnReadyz(server, 'users');
    expect(red.body.checks.projections).to.include('not following the event store');
    expectServiceUnavailable(await register(server), 'users');
    await until(() => refusals().length === allProjections.length, 'a refusal line per read model');
    const usersLine = refusals().find((line) => line.projection === 'users')!;
    expect(usersLine.msg).to.include(oldLog).and.include(newLog).and.include('resumate admin projections rebuild');
    expect((await checkpoints()).every((c) => c.refused?.includes(oldLog))).to.equal(true);
    const { db, store, lists, databaseUrl } = server.server.infrastructure;
    const shown = await projectionStatus(db, store, allProjections);
    expect(shown.every((s) => s.refused?.includes(oldLog))).to.equal(true, 'the admin status shows why each read model is refused');

    await rebuildProjections({ db, store, lists, connectionString: databaseUrl }, { projections: allProjections });
    expect(await checkpoints()).to.satisfy((rows: Checkpoint[]) => rows.every((c) => c.log_id === newLog && c.refused === null));
    await until(async () => (await readyz(server)).status === 200, '/readyz to turn green after the rebuild');
    const user = await server.newUser();
    expect((await user.get('/api/auth/me/')).status).to.equal(200);
    expect(refusals().filter((line) => line.projection === 'users'), 'one line, not one per re-check').to.have.length(1);
  });

  it('refuses a checkpoint beyond the head of its own log, and only that read model', async () => {
    const first = await start();
    const user = await first.newUser();
    const server = await restart((sql) => sql.query("UPDATE projection_checkpoints SET position = $1 WHERE name = 'job_applications'", [BEYOND_ANY_HEAD]));

    const red = await refusedOnReadyz(server, 'job_applications');
    expect(red.body.checks.projections).not.to.include('users');
    await until(() => refusals().length === 1, 'the refusal line');
    expect(refusals()[0]).to.include({ projection: 'job_applications' });
    expect(refusals()[0]!.msg).to.include(`${BEYOND_ANY_HEAD} is beyond the head`);
    expect((await register(server)).status, 'users still follows').to.equal(201);
    const login = await server.post<{ access: string }>('/api/auth/token/', { username: user.username, password: user.password });
    const created = await server.request<{ error: string; code: string; detail: string }>('/api/job-applications/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.body.access}` },
      body: JSON.stringify({ job_title: 'Engineer', company_name: 'Acme' }),
    });
    expectServiceUnavailable(created, 'job_applications');
  });

  it('adopts a checkpoint from before log ids into the current log and follows on', async () => {
    const first = await start();
    await first.newUser();
    const server = await restart((sql) => sql.query('UPDATE projection_checkpoints SET log_id = NULL'));
    const logId = await server.server.infrastructure.store.logId();
    await until(async () => (await checkpoints()).every((c) => c.log_id === logId), 'every checkpoint to be adopted');
    expect((await checkpoints()).map((c) => c.refused)).to.deep.equal(allProjections.map(() => null));
    expect((await readyz(server)).status).to.equal(200);
    expect((await register(server)).status).to.equal(201);
    expect(refusals()).to.deep.equal([]);
  });

  it('fails a wait at once in a process that runs no projectors, and lets it through after a rebuild there', async () => {
    const first = await start();
    await first.newUser();
    await restart((sql) => sql.query("UPDATE projection_checkpoints SET log_id = 'another-log' WHERE name = 'users'"));
    const worker = api!.server.infrastructure;
    const logger = pino({ level: 'silent' });
    const db = createKnex(database.url, { max: 2 });
    const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2, logger });
    const apiOnly = new ProjectionRuntime({ db, store, connectionString: database.url, projections: allProjections, logger, runProjectors: false, waitTimeoutMs: 600_000 });
    try {
      await apiOnly.start();
      const head = await store.headPosition();
      await until(async () => (await apiOnly.waitFor(['users'], head).then(() => undefined, (err: unknown) => err)) instanceof ProjectionRefused, 'a wait for users to be refused');
      await apiOnly.waitFor(['resumes'], head);
      await rebuildProjections({ db: worker.db, store: worker.store, connectionString: worker.databaseUrl }, { projections: allProjections.filter((p) => p.name === 'users') });
      await apiOnly.waitFor(['users'], head);
    } finally {
      await apiOnly.stop();
      await store.close();
      await db.destroy();
    }
  });
});
