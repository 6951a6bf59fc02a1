/**
 * `npm run bench -- bounds [--duration 10]`: memory per request is bounded (issue 14, item 2).
 * A user keeps 40 resumes of the maximum size (20,000 characters of 4-byte UTF-8: 80 KB
 * each, 3.1 MB a list); 8 workers list them back to back for the duration. Beside it, a probe
 * in a worker thread sends `GET /healthz` every 10 ms. Reported against the idle figures of the same run (the
 * probe alone, after one warm-up list): the API's RSS, sampled every 20 ms from /proc, and the
 * probe's p99. Targets: RSS growth < 100 MB, `/healthz` p99 < 50 ms. The API is compiled, as
 * the image runs it (under tsx its RSS carries the compiler).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { RESUME_CONTENT_MAX_LENGTH } from '../src/http/schemas/resumes.js';
import { fmt, table } from './support/measure.js';
import { buildApi, startBenchServer } from './support/server.js';
import { percentile } from './support/tally.js';

const RESUMES = 40;
const LISTERS = 8;
const RSS_GROWTH_TARGET_MB = 100;
const HEALTHZ_P99_TARGET_MS = 50;
const PASSWORD = 'Bench-bounds-Pass-42';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * GET /healthz every 10 ms from a worker thread, so that the latencies are the API's and not
 * this process's event loop, busy taking the lists in.
 */
function startProbe(url: string): { stop(): Promise<number[]> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    const latencies = [];
    let done = false;
    parentPort.once('message', () => { done = true; });
    (async () => {
      while (!done) {
        const started = performance.now();
        const response = await fetch(workerData.url + '/healthz');
        await response.arrayBuffer();
        latencies.push(response.status === 200 ? performance.now() - started : Infinity);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      parentPort.postMessage(latencies);
    })();`,
    { eval: true, workerData: { url } },
  );
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once('message', (latencies: number[]) => {
          void worker.terminate();
          resolve(latencies);
        });
        worker.postMessage('stop');
      }),
  };
}

/** Samples the API's RSS and probes /healthz until `stop` resolves; the peak RSS and the probe's latencies. */
async function observe(url: string, pid: number, stop: Promise<unknown>): Promise<{ peakRssMb: number; healthzMs: number[] }> {
  let done = false;
  void stop.finally(() => (done = true));
  let peakRssMb = 0;
  const probe = startProbe(url);
  const sampler = (async () => {
    while (!done) {
      peakRssMb = Math.max(peakRssMb, await rssMb(pid));
      await sleep(20);
    }
  })();
  await Promise.all([sampler, stop]);
  return { peakRssMb, healthzMs: await probe.stop() };
}

/**
 * The API's own event-loop delay (prom-client's histogram, reset at each scrape) since the last
 * scrape: what its event loop added, apart from the machine's scheduling.
 */
async function eventLoopDelayMs(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => 1000 * Number(new RegExp(`^resumate_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { p99: read('p99'), max: read('max') };
}

async function signIn(url: string): Promise<string> {
  const json = { 'content-type': 'application/json' };
  const username = 'bench_bounds_user';
  const registered = await fetch(`${url}/api/auth/register/`, { method: 'POST', headers: json, body: JSON.stringify({ username, email: 'bounds@example.com', password: PASSWORD, password2: PASSWORD }) });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const tokens = await fetch(`${url}/api/auth/token/`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) });
  return ((await tokens.json()) as { access: string }).access;
}

export async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { duration: { type: 'string' } }, strict: false, allowPositionals: true });
  const durationS = Number(values.duration ?? 10);
  buildApi();
  const server = await startBenchServer({ BCRYPT_ROUNDS: '4' }, { compiled: true });
  try {
    const headers = { authorization: `Bearer ${await signIn(server.url)}`, 'content-type': 'application/json' };
    // The largest resume the limits allow, in bytes as well: every character takes 4 in UTF-8.
    const content = '😀'.repeat(RESUME_CONTENT_MAX_LENGTH);
    for (let i = 0; i < RESUMES; i++) {
      const created = await fetch(`${server.url}/api/resumes/`, { method: 'POST', headers, body: JSON.stringify({ title: `Resume ${i}`, content }) });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
    }
    let listBytes = 0;
    const list = async () => {
      const response = await fetch(`${server.url}/api/resumes/`, { headers });
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`list: ${response.status}`);
      listBytes = body.byteLength;
    };
    await list(); // warm-up: the code paths compiled, the pools filled

    const idle = await observe(server.url, server.pid, sleep(3000));
    let lists = 0;
    const idleLoop = await eventLoopDelayMs(server.url);
    const cpuBefore = await cpuSeconds(server.pid);
    const until = performance.now() + durationS * 1000;
    const listing = Promise.all(
      Array.from({ length: LISTERS }, async () => {
        while (performance.now() < until) {
          await list();
          lists++;
        }
      }),
    );
    const busy = await observe(server.url, server.pid, listing);
    const apiCpuS = (await cpuSeconds(server.pid)) - cpuBefore;
    const busyLoop = await eventLoopDelayMs(server.url);

    const growthMb = busy.peakRssMb - idle.peakRssMb;
    const idleP99 = percentile(idle.healthzMs, 0.99);
    const busyP99 = percentile(busy.healthzMs, 0.99);
    console.log(`\nbounds — ${RESUMES} resumes of ${fmt(RESUME_CONTENT_MAX_LENGTH)} characters (${fmt(listBytes / 1024 / 1024, 1)} MB a list), ${LISTERS} concurrent lists for ${durationS} s: ${lists} lists (${fmt(lists / durationS, 1)}/s)`);
    console.log(
      table([
        { phase: 'idle', 'peak RSS MB': fmt(idle.peakRssMb), '/healthz p50 ms': fmt(percentile(idle.healthzMs, 0.5), 1), '/healthz p99 ms': fmt(idleP99, 1), probes: idle.healthzMs.length },
        { phase: `${LISTERS} lists`, 'peak RSS MB': fmt(busy.peakRssMb), '/healthz p50 ms': fmt(percentile(busy.healthzMs, 0.5), 1), '/healthz p99 ms': fmt(busyP99, 1), probes: busy.healthzMs.length },
      ]),
    );
    const loadAverage = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];
    console.log(`API CPU ${fmt(apiCpuS, 1)} s in ${durationS} s (${fmt((100 * apiCpuS) / durationS)}% of one core); machine load average ${loadAverage} on ${availableParallelism()} cores`);
    console.log(`API event-loop delay p99 / max: idle ${fmt(idleLoop.p99, 1)} / ${fmt(idleLoop.max, 1)} ms, busy ${fmt(busyLoop.p99, 1)} / ${fmt(busyLoop.max, 1)} ms`);
    console.log(`RSS growth ${fmt(growthMb)} MB (target < ${RSS_GROWTH_TARGET_MB}); /healthz p99 ${fmt(busyP99, 1)} ms (target < ${HEALTHZ_P99_TARGET_MS})`);
    return lists > 0 && growthMb < RSS_GROWTH_TARGET_MB && busyP99 < HEALTHZ_P99_TARGET_MS;
  } finally {
    await server.stop();
  }
}
