/**
 * The original's locust scenario "authenticated user", replayed: each virtual user registers,
 * obtains a token, then alternates listing its applications and creating one with only
 * job_title, company_name and status. Runs against BASE_URL, or a fresh server it starts.
 * Passes when no request fails.
 */
import { fmt, table } from './support/measure.js';
import { startBenchServer } from './support/server.js';

const USERS = Number(process.env.SCENARIO_USERS ?? 20);
const DURATION_S = Number(process.env.SCENARIO_DURATION_S ?? 10);
const json = { 'content-type': 'application/json' };

interface Tally { requests: number; failures: string[]; latencies: number[] }

async function call(tally: Tally, name: string, url: string, init: RequestInit, expected: number): Promise<unknown> {
  const started = performance.now();
  const response = await fetch(url, init).catch((err: Error) => err);
  tally.latencies.push(performance.now() - started);
  tally.requests++;
  if (response instanceof Error) {
    tally.failures.push(`${name}: ${response.message}`);
    return undefined;
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status !== expected) tally.failures.push(`${name}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function virtualUser(base: string, n: number, until: number, tally: Tally): Promise<void> {
  const username = `locust_${process.pid}_${n}_${Date.now()}`;
  const password = 'Locust-Pass-2024!';
  await call(tally, 'register', `${base}/api/auth/register/`, { method: 'POST', headers: json, body: JSON.stringify({ username, email: `${username}@example.com`, password, password2: password }) }, 201);
  const tokens = (await call(tally, 'token', `${base}/api/auth/token/`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) }, 200)) as { access?: string } | undefined;
  const auth = { authorization: `Bearer ${tokens?.access ?? ''}` };
  for (let i = 0; performance.now() < until; i++) {
    await call(tally, 'list', `${base}/api/job-applications/`, { headers: auth }, 200);
    await call(tally, 'create', `${base}/api/job-applications/`, { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ job_title: `Role ${i}`, company_name: 'Locust Inc.', status: 'Applied' }) }, 201);
  }
}

export async function main(): Promise<boolean> {
  const server = process.env.BASE_URL ? undefined : await startBenchServer({ BCRYPT_ROUNDS: '4', THROTTLE_REGISTRATIONS_PER_IP: '100000' });
  const base = process.env.BASE_URL ?? server!.url;
  const tally: Tally = { requests: 0, failures: [], latencies: [] };
  try {
    const until = performance.now() + DURATION_S * 1000;
    await Promise.all(Array.from({ length: USERS }, (_, n) => virtualUser(base, n, until, tally)));
  } finally {
    await server?.stop();
  }
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  console.log(`\nlocust scenario "authenticated user" — ${USERS} users, ${DURATION_S} s`);
  console.log(table([{ requests: tally.requests, failures: tally.failures.length, 'req/s': fmt(tally.requests / DURATION_S), 'p50 ms': fmt(p(0.5), 1), 'p99 ms': fmt(p(0.99), 1) }]));
  for (const failure of tally.failures.slice(0, 10)) console.log(`  failure: ${failure}`);
  return tally.failures.length === 0 && tally.requests > 0;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
