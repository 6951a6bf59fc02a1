/**
 * bench/login: does password hashing hurt other requests? p99 of a cheap GET (/healthz) while
 * 4 logins/s run, beside the same GET with no logins, for bcrypt on the event loop (bcryptjs)
 * and on libuv's thread pool (the native addon). Same run, same machine, cost 12.
 */
import { fmt, table } from './support/measure.js';
import { load } from './support/load.js';
import { startBenchServer } from './support/server.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const LOGINS_PER_S = 4;
const credentials = { username: 'bench_login_user', password: 'Bench-login-Pass-42' };

async function measure(implementation: 'bcryptjs' | 'native') {
  const server = await startBenchServer({ BCRYPT_IMPLEMENTATION: implementation, BCRYPT_ROUNDS: '12' });
  try {
    const register = await fetch(`${server.url}/api/auth/register/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...credentials, email: 'bench@example.com', password2: credentials.password }),
    });
    if (register.status !== 201) throw new Error(`register: ${register.status} ${await register.text()}`);
    const cheapGet = { url: `${server.url}/healthz`, connections: 4, durationS: DURATION_S };
    const quiet = await load(cheapGet);
    let logins = 0;
    let failedLogins = 0;
    const timer = setInterval(() => {
      fetch(`${server.url}/api/auth/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) })
        .then((r) => (r.status === 200 ? logins++ : failedLogins++), () => failedLogins++);
    }, 1000 / LOGINS_PER_S);
    const busy = await load(cheapGet);
    clearInterval(timer);
    if (failedLogins > 0) throw new Error(`${failedLogins} logins failed`);
    return { implementation, quiet, busy, logins };
  } finally {
    await server.stop();
  }
}

export async function main(): Promise<boolean> {
  const results = [await measure('bcryptjs'), await measure('native')];
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
  }))));
  const native = results.find((r) => r.implementation === 'native')!;
  // Kept when hashing on the thread pool leaves the cheap GET's p99 within a few ms of quiet.
  return native.busy.p99 <= native.quiet.p99 + 10;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
