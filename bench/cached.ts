/**
 * bench/cached: GET /api/ai/models/ served from Redis (HIT) at 32 connections, beside a bare
 * Koa handler that GETs the same Redis key, in the same run.
 */
import { fork } from 'node:child_process';
import { fmt, table } from './support/measure.js';
import { alternate, load } from './support/load.js';
import { startBenchServer } from './support/server.js';
import { freePort } from '../test/support/net.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 32;
const TARGET = 0.8;

async function startCeiling(keyPrefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = fork('bench/support/cachedCeilingServer.ts', [], { execArgv: ['--import', 'tsx'], env: { ...process.env, PORT: String(port), REDIS_KEY_PREFIX: keyPrefix } });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }) };
}

export async function main(): Promise<boolean> {
  const keyPrefix = `bench:${process.pid}:`;
  const api = await startBenchServer({ REDIS_KEY_PREFIX: keyPrefix });
  const ceiling = await startCeiling(keyPrefix);
  try {
    const warm = await fetch(`${api.url}/api/ai/models/`);
    if (!warm.ok) throw new Error(`warm-up: ${warm.status}`);
    const hit = await fetch(`${api.url}/api/ai/models/`);
    if (hit.headers.get('x-cache-status') !== 'HIT') throw new Error('the API does not serve a HIT');
    const { ceiling: ceilingResult, subject: apiResult } = await alternate(
      ROUNDS,
      () => load({ url: ceiling.url, connections: CONNECTIONS, durationS: DURATION_S }),
      () => load({ url: `${api.url}/api/ai/models/`, connections: CONNECTIONS, durationS: DURATION_S }),
    );
    const ratio = apiResult.requestsPerS / ceilingResult.requestsPerS;
    console.log(`\nbench/cached — GET /api/ai/models/ (HIT), ${CONNECTIONS} connections, median-ratio round of ${ROUNDS} × ${DURATION_S} s, alternating; ceiling = bare Koa + Redis GET of the same key`);
    console.log(table([{
      'API req/s': fmt(apiResult.requestsPerS),
      'ceiling req/s': fmt(ceilingResult.requestsPerS),
      ratio: fmt(ratio, 2),
      target: `≥ ${TARGET}`,
      'API p50/p99 ms': `${apiResult.p50}/${apiResult.p99}`,
      'ceiling p50/p99 ms': `${ceilingResult.p50}/${ceilingResult.p99}`,
      'API errors/non-2xx': `${apiResult.errors}/${apiResult.non2xx}`,
    }]));
    return apiResult.errors === 0 && apiResult.non2xx === 0 && ratio >= TARGET;
  } finally {
    await ceiling.stop();
    await api.stop();
  }
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
