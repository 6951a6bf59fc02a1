/**
 * bench/rebuild: `admin projections rebuild --all` over a generated log of N events (default
 * 1,000,000 over 10,000 users; `--events N` for quick runs), in a child process so its peak
 * RSS is its own, against the ceiling measured in the same run: one INSERT … SELECT per table
 * writing the same resulting rows into fresh copies of the same tables (indexes included).
 * Targets: ≥ 25,000 events/s, ≥ 0.3 × the ceiling, peak RSS < 300 MB.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { allProjections } from '../src/projections/index.js';
import { createDatabase, dropDatabase } from '../test/support/db.js';
import { fmt, table } from './support/measure.js';
import { writeEvents } from './support/rebuildEvents.js';

const optionValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const EVENTS = Number(optionValue('--events') ?? process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const TARGET_EVENTS_PER_S = 25_000;
const TARGET_RATIO = 0.3;
const MAX_RSS_MB = 300;

interface RebuildSummary {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  maxRssKb: number;
}

/** The CLI as an admin runs it, without Redis (the cache is not what is measured). */
function runRebuild(databaseUrl: string): Promise<RebuildSummary> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  for (const name of ['REDIS_URL', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REQUIRE_REDIS']) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', 'projections', 'rebuild', '--all', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as RebuildSummary) : reject(new Error(`rebuild exited with ${code}: ${out}`))));
  });
}

/** Seconds to write every read model's current rows into fresh copies of its tables. */
async function ceilingSeconds(client: pg.Client): Promise<number> {
  const tables = allProjections.flatMap((p) => p.tables);
  for (const t of tables) {
    await client.query(`DROP TABLE IF EXISTS "bench_ceiling_${t}"`);
    await client.query(`CREATE TABLE "bench_ceiling_${t}" (LIKE "${t}" INCLUDING ALL)`);
  }
  const started = performance.now();
  for (const t of tables) await client.query(`INSERT INTO "bench_ceiling_${t}" SELECT * FROM "${t}"`);
  const seconds = (performance.now() - started) / 1000;
  for (const t of tables) await client.query(`DROP TABLE "bench_ceiling_${t}"`);
  return seconds;
}

export async function main(): Promise<boolean> {
  const { url, name } = await createDatabase('resumate_bench');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const writeStarted = performance.now();
    await writeEvents(url, EVENTS);
    await client.query('VACUUM ANALYZE events');
    console.log(`generated ${fmt(EVENTS)} events in ${fmt((performance.now() - writeStarted) / 1000, 1)} s`);
    const rebuild = await runRebuild(url);
    const ceiling = await ceilingSeconds(client);
    const { rows } = await client.query<{ rows: string }>(
      `SELECT (${allProjections.flatMap((p) => p.tables).map((t) => `(SELECT count(*) FROM "${t}")`).join(' + ')})::text AS rows`,
    );
    const ratio = ceiling / rebuild.seconds;
    const rssMb = rebuild.maxRssKb / 1024;
    console.log(`\nbench/rebuild — projections rebuild --all vs INSERT … SELECT of the resulting ${fmt(Number(rows[0]!.rows))} rows (machine shared: one run)`);
    console.log(
      table([
        {
          events: fmt(rebuild.events),
          'rebuild s': fmt(rebuild.seconds, 1),
          'events/s': fmt(rebuild.eventsPerSecond),
          'ceiling s': fmt(ceiling, 1),
          'ceiling events/s': fmt(rebuild.events / ceiling),
          ratio: fmt(ratio, 2),
          'peak RSS MB': fmt(rssMb),
          targets: `≥ ${fmt(TARGET_EVENTS_PER_S)}/s, ≥ ${TARGET_RATIO}, < ${MAX_RSS_MB} MB`,
        },
      ]),
    );
    return rebuild.eventsPerSecond >= TARGET_EVENTS_PER_S && ratio >= TARGET_RATIO && rssMb < MAX_RSS_MB;
  } finally {
    await client.end();
    await dropDatabase(name);
  }
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
