/**
 * bench/login: does password hashing hurt other requests?
 * 1. p99 of a cheap GET (/healthz) while 3 logins/s run, beside the same GET with no logins,
 *    for bcrypt on the event loop (bcryptjs) and on libuv's thread pool (the native addon).
 * 2. A burst of 200 concurrent logins for unknown users from one address beside the same
 *    steady GET, and one right login from another address: p99 of the GET (beside its idle
 *    p99), p99 of the burst's answers, and how they were answered (401 checked, 429
 *    throttled, 503 hashing full). Same run, same machine, cost 12.
 */
import { fmt, table } from './support/measure.js';
import { load, type LoadResult } from './support/load.js';
import { startBenchServer } from './support/server.js';
import { percentile } from './support/tally.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
// At cost 12 one hash takes ≈ 250 ms here, and PASSWORD_HASH_CONCURRENCY is 1 on two cores.
const LOGINS_PER_S = 3;
const BURST = 200;
const credentials = { username: 'bench_login_user', password: 'Bench-login-Pass-42' };

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function registerBenchUser(url: string): Promise<void> {
  const register = await postJson(`${url}/api/auth/register/`, { ...credentials, email: 'bench@example.com', password2: credentials.password });
  if (register.status !== 201) throw new Error(`register: ${register.status} ${await register.text()}`);
}

async function measure(implementation: 'bcryptjs' | 'native') {
  const server = await startBenchServer({ BCRYPT_IMPLEMENTATION: implementation, BCRYPT_ROUNDS: '12' });
  try {
    await registerBenchUser(server.url);
    const cheapGet = { url: `${server.url}/healthz`, connections: 4, durationS: DURATION_S };
    const quiet = await load(cheapGet);
    let logins = 0;
    let refused = 0;
    let failedLogins = 0;
    const timer = setInterval(() => {
      postJson(`${server.url}/api/auth/token/`, credentials)
        .then((r) => (r.status === 200 ? logins++ : r.status === 503 ? refused++ : failedLogins++), () => failedLogins++);
    }, 1000 / LOGINS_PER_S);
    const busy = await load(cheapGet);
    clearInterval(timer);
    if (failedLogins > 0) throw new Error(`${failedLogins} logins failed`);
    return { implementation, quiet, busy, logins, refused };
  } finally {
    await server.stop();
  }
}

interface Answer { status: number; ms: number }

async function timedRequest(url: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

async function timedLogin(url: string, body: unknown, address: string): Promise<Answer> {
  const started = performance.now();
  const response = await postJson(`${url}/api/auth/token/`, body, { 'x-forwarded-for': address });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** The burst: 200 concurrent unknown-user logins from one address, 1 s into a steady GET, and a right login from another address. */
async function measureBurst() {
  // TRUST_PROXY lets the bench speak for two addresses (one X-Forwarded-For entry each).
  const server = await startBenchServer({ BCRYPT_ROUNDS: '12', TRUST_PROXY: 'True' });
  try {
    await registerBenchUser(server.url);
    const cheapGet = { url: `${server.url}/healthz`, connections: 4, durationS: DURATION_S };
    const idle = await load(cheapGet);
    // The floor: the same burst of 200 concurrent requests when they do nothing (no token, 401 at once).
    const floor = await Promise.all(Array.from({ length: BURST }, () => timedRequest(`${server.url}/api/auth/me/`)));
    const steady: Promise<LoadResult> = load(cheapGet);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const burst = Promise.all(Array.from({ length: BURST }, (_, i) => timedLogin(server.url, { username: `bench_ghost_${i}`, password: 'Wrong-guess-123' }, '203.0.113.7')));
    const victim = await timedLogin(server.url, credentials, '198.51.100.1');
    const answers = await burst;
    const busy = await steady;
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    const refused = answers.filter((a) => a.status === 429 || a.status === 503).map((a) => a.ms);
    const checked = answers.filter((a) => a.status === 401).map((a) => a.ms);
    return { idle, busy, floorP99: percentile(floor.map((a) => a.ms), 0.99), loginP99: percentile(answers.map((a) => a.ms), 0.99), refusedP99: percentile(refused, 0.99), checkedMax: Math.max(0, ...checked), count, victim };
  } finally {
    await server.stop();
  }
}

export async function main(): Promise<boolean> {
  const results = [await measure('bcryptjs'), await measure('native')];
  const burst = await measureBurst();
  console.log(`\nbench/login — p99 of GET /healthz (4 connections, ${DURATION_S} s) with and without ${LOGINS_PER_S} logins/s (bcrypt cost 12; autocannon latency resolution 1 ms)`);
  console.log(table(results.map((r) => ({
    bcrypt: r.implementation,
    'p99 no logins (ms)': fmt(r.quiet.p99, 1),
    'p99 with logins (ms)': fmt(r.busy.p99, 1),
    'p99 added (ms)': fmt(r.busy.p99 - r.quiet.p99, 1),
    'p50 with logins (ms)': fmt(r.busy.p50, 1),
    'GET/s no logins': fmt(r.quiet.requestsPerS),
    'GET/s with logins': fmt(r.busy.requestsPerS),
    'logins done': r.logins,
    'logins 503 (hashing full)': r.refused,
  }))));
  console.log(`\nbench/login — a burst of ${BURST} concurrent logins for unknown users from one address, beside GET /healthz (4 connections, ${DURATION_S} s), and one right login from another address (native bcrypt, cost 12)`);
  console.log(table([{
    'GET p99 idle (ms)': fmt(burst.idle.p99, 1),
    'GET p99 with burst (ms)': fmt(burst.busy.p99, 1),
    '200 no-op requests p99 (ms)': fmt(burst.floorP99, 0),
    'login p99 (ms)': fmt(burst.loginP99, 0),
    'refused p99 (ms)': fmt(burst.refusedP99, 0),
    'checked max (ms)': fmt(burst.checkedMax, 0),
    '401 checked': burst.count(401),
    '429 throttled': burst.count(429),
    '503 hashing full': burst.count(503),
    other: BURST - burst.count(401) - burst.count(429) - burst.count(503),
    'other address': `${burst.victim.status} in ${fmt(burst.victim.ms, 0)} ms`,
  }]));
  const native = results.find((r) => r.implementation === 'native')!;
  // Kept when hashing on the thread pool leaves the cheap GET's p99 within a few ms of quiet,
  // and what a burst cannot have checked is refused at once (not held for tens of seconds) while
  // another address still signs in.
  return native.busy.p99 <= native.quiet.p99 + 10 && burst.busy.p99 <= burst.idle.p99 + 10 && burst.refusedP99 < burst.floorP99 + 1_000 && burst.victim.status === 200;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
