/**
 * bench/rebuild: `admin projections rebuild --all` over a generated log of N events (default
 * 1,000,000 over 10,000 users; `--events N` for quick runs), in a child process so its peak
 * RSS is its own, against the ceiling measured in the same run: a COPY from this client of the
 * same resulting rows into fresh copies of the same tables (indexes included), table after
 * table. One INSERT … SELECT per table (the rows never leave the server) is shown beside it.
 * Three rounds (`--rounds N`) on the same log; the median-ratio round is judged.
 * Targets: ≥ 25,000 events/s, ≥ 0.3 × the COPY ceiling, peak RSS < 300 MB.
 * The log is sealed as the API writes it (crypto-shredding: every personal field encrypted), so
 * the rebuild opens every event; `--plaintext` leaves it as generated, in clear.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { allProjections } from '../src/projections/index.js';
import { createDatabase, dropDatabase } from '../test/support/db.js';
import { fmt, table } from './support/measure.js';
import { writeEvents } from './support/rebuildEvents.js';
import { loadConfig } from '../src/config.js';
import { createKnex } from '../src/db/knex.js';
import { keyEncryptionKeyOf } from '../src/eventstore/shredding/keyEncryptionKey.js';
import { Keyring } from '../src/eventstore/shredding/keyring.js';
import { sealPostgresLog } from '../src/eventstore/shredding/sealPostgresLog.js';

const optionValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const EVENTS = Number(optionValue('--events') ?? process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const TARGET_EVENTS_PER_S = 25_000;
const TARGET_RATIO = 0.3;
const MAX_RSS_MB = 300;
const ROUNDS = Number(optionValue('--rounds') ?? process.env.BENCH_ROUNDS ?? 3);
const SEALED = !process.argv.includes('--plaintext');

interface Round {
  rebuild: RebuildSummary;
  copy: number;
  insertSelect: number;
  ratio: number;
}

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

const TABLES = allProjections.flatMap((p) => p.tables);
const copyOf = (table: string) => `"bench_ceiling_${table}"`;

/** Fresh copies of the read models' tables, indexes included, for a ceiling to write into. */
async function freshCopies(client: pg.Client): Promise<void> {
  for (const t of TABLES) {
    await client.query(`DROP TABLE IF EXISTS ${copyOf(t)}`);
    await client.query(`CREATE TABLE ${copyOf(t)} (LIKE "${t}" INCLUDING ALL)`);
  }
}

async function dropCopies(client: pg.Client): Promise<void> {
  for (const t of TABLES) await client.query(`DROP TABLE ${copyOf(t)}`);
}

/** Seconds to write every read model's current rows into fresh copies of its tables with one INSERT … SELECT each (no row leaves the server). */
async function insertSelectSeconds(client: pg.Client): Promise<number> {
  await freshCopies(client);
  const started = performance.now();
  for (const t of TABLES) await client.query(`INSERT INTO ${copyOf(t)} SELECT * FROM "${t}"`);
  const seconds = (performance.now() - started) / 1000;
  await dropCopies(client);
  return seconds;
}

/**
 * Seconds to COPY every read model's current rows, read out beforehand in COPY's text format,
 * from this client into fresh copies of its tables, one table after another: what loading the
 * rebuild's result costs when nothing else has to be done.
 */
async function copySeconds(client: pg.Client): Promise<number> {
  const data = new Map<string, Buffer[]>();
  for (const t of TABLES) {
    const chunks: Buffer[] = [];
    const out = client.query(copyTo(`COPY "${t}" TO STDOUT`));
    for await (const chunk of out) chunks.push(chunk as Buffer);
    data.set(t, chunks);
  }
  await freshCopies(client);
  const started = performance.now();
  for (const t of TABLES) await pipeline(Readable.from(data.get(t)!), client.query(copyFrom(`COPY ${copyOf(t)} FROM STDIN`)));
  const seconds = (performance.now() - started) / 1000;
  await dropCopies(client);
  return seconds;
}

/** Seals the generated log with the key-encryption key the CLI child will use (its configuration, DEBUG by default). */
async function sealLog(url: string): Promise<void> {
  const db = createKnex(url, { max: 2 });
  try {
    const keyring = new Keyring(db, keyEncryptionKeyOf(loadConfig({ DEBUG: 'True', ...process.env, DATABASE_URL: url })));
    const { sealed } = await sealPostgresLog(db, keyring, { batchSize: 5000 });
    console.log(`sealed the personal fields of ${fmt(sealed)} events`);
  } finally {
    await db.destroy();
  }
}

export async function main(): Promise<boolean> {
  const { url, name } = await createDatabase('resumate_bench');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const writeStarted = performance.now();
    await writeEvents(url, EVENTS);
    if (SEALED) await sealLog(url);
    await client.query('VACUUM ANALYZE events');
    console.log(`generated ${fmt(EVENTS)} events in ${fmt((performance.now() - writeStarted) / 1000, 1)} s`);
    // Each measurement starts with no dirty pages left by the one before (checkpoints are slow on this disk).
    const settle = () => client.query('CHECKPOINT').catch(() => undefined);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await settle();
      const rebuild = await runRebuild(url);
      await settle();
      const copy = await copySeconds(client);
      await settle();
      const insertSelect = await insertSelectSeconds(client);
      rounds.push({ rebuild, copy, insertSelect, ratio: copy / rebuild.seconds });
    }
    const { rows } = await client.query<{ rows: string }>(
      `SELECT (${TABLES.map((t) => `(SELECT count(*) FROM "${t}")`).join(' + ')})::text AS rows`,
    );
    const row = ({ rebuild, copy, insertSelect, ratio }: Round) => ({
      events: fmt(rebuild.events),
      'rebuild s': fmt(rebuild.seconds, 1),
      'events/s': fmt(rebuild.eventsPerSecond),
      'COPY s': fmt(copy, 1),
      'COPY events/s': fmt(rebuild.events / copy),
      ratio: fmt(ratio, 2),
      'INSERT…SELECT s': fmt(insertSelect, 1),
      'ratio to it': fmt(insertSelect / rebuild.seconds, 2),
      'peak RSS MB': fmt(rebuild.maxRssKb / 1024),
      targets: `≥ ${fmt(TARGET_EVENTS_PER_S)}/s, ≥ ${TARGET_RATIO} × COPY, < ${MAX_RSS_MB} MB`,
    });
    console.log(`\nbench/rebuild — projections rebuild --all vs COPY (and INSERT … SELECT) of the resulting ${fmt(Number(rows[0]!.rows))} rows, ${ROUNDS} rounds on the same log`);
    console.log(table(rounds.map(row)));
    // The median-ratio round, as the HTTP benches report: two shared cores make single rounds noisy.
    const { rebuild, ratio } = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
    const rssMb = Math.max(...rounds.map((r) => r.rebuild.maxRssKb)) / 1024;
    console.log(`median round: ${fmt(rebuild.eventsPerSecond)} events/s, ratio ${fmt(ratio, 2)}; peak RSS of all rounds ${fmt(rssMb)} MB`);
    return rebuild.eventsPerSecond >= TARGET_EVENTS_PER_S && ratio >= TARGET_RATIO && rssMb < MAX_RSS_MB;
  } finally {
    await client.end();
    await dropDatabase(name);
  }
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
