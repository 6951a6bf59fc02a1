import http from 'node:http';
import { expect } from 'chai';
import pg from 'pg';
import { jobApplicationStream } from '../../src/domain/jobApplication/types.js';
import { deleteKeys } from '../support/api.js';
import { childEnv, startChildApi, type ChildApi } from '../support/childApi.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { until } from '../support/until.js';

interface Answer {
  status: number;
  body: { id?: number };
}

/**
 * A POST on a connection of its own, sent with `Expect: 100-continue`: the server's 100 says it
 * has read the request head, so from then on the request is in flight and must be answered.
 * `beforeBody` runs between the 100 and the body. Rejects with `accepted` telling the two apart.
 */
function post(url: string, path: string, token: string, body: unknown, beforeBody: () => Promise<void> = async () => {}): Promise<Answer> {
  const payload = JSON.stringify(body);
  let accepted = false;
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(`${url}${path}`, {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        expect: '100-continue',
      },
    });
    req.on('continue', () => {
      accepted = true;
      beforeBody().then(() => req.end(payload), reject);
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Answer['body']) : {} }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { accepted })));
  });
}

const refusesConnections = (url: string) =>
  fetch(`${url}/healthz`).then(
    () => false,
    (err: { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED',
  );


const LOOPS = 4;

describe('SIGTERM under a load of writes', function () {
  this.timeout(120_000);
  let database: { url: string; name: string } | undefined;
  let env: Record<string, string>;
  const children: ChildApi[] = [];

  before(async () => {
    database = await createDatabase('resumate_sigterm');
    env = childEnv(database.url);
  });
  after(async () => {
    for (const child of children) await child.kill();
    if (env) await deleteKeys(env.REDIS_KEY_PREFIX!);
    if (database) await dropDatabase(database.name);
  });

  it('answers every request it accepted, refuses new ones, exits 0, and loses no acknowledged write', async () => {
    const api = await startChildApi(env);
    children.push(api);
    const credentials = { username: 'sigterm_user', password: 'Correct-Horse-42' };
    const registered = await fetch(`${api.url}/api/auth/register/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...credentials, email: 'sigterm@example.com', password2: credentials.password }),
    });
    expect(registered.status).to.equal(201);
    const tokens = await fetch(`${api.url}/api/auth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    const { access } = (await tokens.json()) as { access: string };

    const acknowledged: number[] = [];
    const unexpected: string[] = [];
    const cut: string[] = [];
    let refused = 0;
    let n = 0;
    const writer = async () => {
      for (;;) {
        try {
          const answer = await post(api.url, '/api/job-applications/', access, { job_title: `Engineer ${n++}`, company_name: 'Acme' });
          if (answer.status === 201 && typeof answer.body.id === 'number') acknowledged.push(answer.body.id);
          else unexpected.push(`${answer.status} ${JSON.stringify(answer.body)}`);
        } catch (err) {
          const { code, accepted } = err as NodeJS.ErrnoException & { accepted: boolean };
          if (accepted) cut.push(String(code));
          else refused++;
          return; // the server has stopped accepting: this writer is done
        }
      }
    };
    const writers = Array.from({ length: LOOPS }, writer);
    await until(() => acknowledged.length >= 20 || unexpected.length > 0, 'the load to run', 20_000);

    // One request the server has accepted, whose body is still on its way when SIGTERM lands.
    let signalled = false;
    const inFlight = post(api.url, '/api/job-applications/', access, { job_title: 'In flight', company_name: 'Acme' }, async () => {
      api.child.kill('SIGTERM');
      signalled = true;
      await until(() => refusesConnections(api.url), 'the listener to close', 20_000);
    });
    inFlight.catch(() => undefined); // examined below, after the exit
    const exitCode = await api.exited;
    const late = await inFlight.catch((err: unknown) => {
      throw new Error(`the request in flight at SIGTERM failed: ${String(err)}; exit code ${exitCode}\n${api.recentOutput()}`);
    });
    await Promise.all(writers);

    expect(signalled).to.equal(true);
    expect(exitCode, api.recentOutput()).to.equal(0);
    expect(late.status, JSON.stringify(late.body)).to.equal(201);
    acknowledged.push(late.body.id!);
    expect(unexpected, 'answers other than 201').to.deep.equal([]);
    expect(cut, 'accepted requests cut off').to.deep.equal([]);
    expect(refused, 'writers stopped by the closed listener').to.be.greaterThan(0);

    const restarted = await startChildApi(env);
    children.push(restarted);
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM events WHERE stream_id = ANY($1)', [
        acknowledged.map(jobApplicationStream),
      ]);
      expect(rows.length, 'acknowledged applications in the event log').to.equal(acknowledged.length);
    } finally {
      await client.end();
    }
    const login = await fetch(`${restarted.url}/api/auth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    const { access: fresh } = (await login.json()) as { access: string };
    const missing: number[] = [];
    for (let i = 0; i < acknowledged.length; i += 10) {
      await Promise.all(
        acknowledged.slice(i, i + 10).map(async (id) => {
          const res = await fetch(`${restarted.url}/api/job-applications/${id}/`, { headers: { authorization: `Bearer ${fresh}` } });
          await res.arrayBuffer();
          if (res.status !== 200) missing.push(id);
        }),
      );
    }
    expect(missing, 'acknowledged applications missing from the read model').to.deep.equal([]);
    await restarted.stop();
    expect(await restarted.exited).to.equal(0);
  });
});
