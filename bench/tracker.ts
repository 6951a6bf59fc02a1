/**
 * bench/tracker: GET /api/job-applications/ (a user with 50 applications) and POST (with
 * read-your-writes) at 32 connections, each beside its ceiling — a bare Koa handler that
 * verifies the same JWT and runs the same SELECT, or one plain INSERT — in the same run.
 */
import { fork } from 'node:child_process';
import pg from 'pg';
import { fmt, table } from './support/measure.js';
import { alternate, load, type LoadResult } from './support/load.js';
import { startBenchServer } from './support/server.js';
import { freePort } from '../test/support/net.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 32;
const TARGETS = { get: 0.7, post: 0.5 };
const json = { 'content-type': 'application/json' };

async function startCeiling(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = fork('bench/support/ceilingServer.ts', [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: databaseUrl, SECRET_KEY: 'bench-secret-key-bench-secret-key-bench', PORT: String(port) },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

async function signIn(url: string): Promise<string> {
  const credentials = { username: `tracker_${Date.now()}`, password: 'Tracker-Bench-42' };
  await fetch(`${url}/api/auth/register/`, { method: 'POST', headers: json, body: JSON.stringify({ ...credentials, email: 'tracker@example.com', password2: credentials.password }) });
  const tokens = (await (await fetch(`${url}/api/auth/token/`, { method: 'POST', headers: json, body: JSON.stringify(credentials) })).json()) as { access: string };
  return tokens.access;
}

export async function main(): Promise<boolean> {
  const api = await startBenchServer({ BCRYPT_ROUNDS: '4', ACCESS_TOKEN_LIFETIME_S: '3600' });
  const db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
  await db.query('CREATE TABLE ceiling_applications (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL, job_title text NOT NULL, company_name text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  const ceiling = await startCeiling(api.databaseUrl);
  try {
    const token = await signIn(api.url);
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 50; i++) {
      const r = await fetch(`${api.url}/api/job-applications/`, { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ job_title: `Engineer ${i}`, company_name: `Company ${i}`, status: 'Applied' }) });
      if (r.status !== 201) throw new Error(`seed: ${r.status} ${await r.text()}`);
    }
    const listCount = ((await (await fetch(`${api.url}/api/job-applications/`, { headers: auth })).json()) as unknown[]).length;
    if (listCount !== 50) throw new Error(`expected 50 applications, saw ${listCount}`);

    const get = (url: string) => load({ url, connections: CONNECTIONS, durationS: DURATION_S, headers: auth });
    const post = (url: string) => load({
      url, connections: CONNECTIONS, durationS: DURATION_S, method: 'POST', headers: { ...json, ...auth },
      body: JSON.stringify({ job_title: 'Backend Engineer', company_name: 'Bench Corp', status: 'Applied' }),
    });
    // The ceiling's GET reads the same user's rows, so both lists are 50 long.
    const { ceiling: getCeiling, subject: getApi } = await alternate(ROUNDS, () => get(`${ceiling.url}/`), () => get(`${api.url}/api/job-applications/`));
    const { ceiling: postCeiling, subject: postApi } = await alternate(ROUNDS, () => post(`${ceiling.url}/`), () => post(`${api.url}/api/job-applications/`));

    const rows: { endpoint: string; api: LoadResult; ceiling: LoadResult; target: number }[] = [
      { endpoint: 'GET /api/job-applications/ (50 rows)', api: getApi, ceiling: getCeiling, target: TARGETS.get },
      { endpoint: 'POST /api/job-applications/ (read-your-writes)', api: postApi, ceiling: postCeiling, target: TARGETS.post },
    ];
    console.log(`\nbench/tracker — ${CONNECTIONS} connections, median-ratio round of ${ROUNDS} × ${DURATION_S} s, alternating; ceiling = bare Koa + same JWT check + same SELECT / one INSERT`);
    console.log(table(rows.map((r) => ({
      endpoint: r.endpoint,
      'API req/s': fmt(r.api.requestsPerS),
      'ceiling req/s': fmt(r.ceiling.requestsPerS),
      ratio: fmt(r.api.requestsPerS / r.ceiling.requestsPerS, 2),
      target: `≥ ${r.target}`,
      'API p50/p99 ms': `${r.api.p50}/${r.api.p99}`,
      'ceiling p50/p99 ms': `${r.ceiling.p50}/${r.ceiling.p99}`,
      'API errors/non-2xx': `${r.api.errors}/${r.api.non2xx}`,
    }))));
    return rows.every((r) => r.api.errors === 0 && r.api.non2xx === 0 && r.api.requestsPerS / r.ceiling.requestsPerS >= r.target);
  } finally {
    await ceiling.stop();
    await db.end();
    await api.stop();
  }
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
