/**
 * bench/command-cost: a resume command (no HTTP) on a stream of 1,000 large events against
 * the same command on a stream of one, interleaved command by command so both see the same
 * machine state. Snapshots (src/commands/handle.ts) should make the two cost about the same;
 * the same long stream read whole, as before snapshots, is shown beside them.
 */
import { systemClock, type CommandDeps } from '../src/commands/deps.js';
import { updateResume } from '../src/commands/resumes.js';
import { sequenceIds } from '../src/db/ids.js';
import { createKnex } from '../src/db/knex.js';
import { postgresSnapshots } from '../src/db/streamSnapshots.js';
import type { CommandContext } from '../src/domain/decider.js';
import { resumeStream, type ResumeChanges } from '../src/domain/resume/index.js';
import type { NewEvent } from '../src/eventstore/port.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgresEventStore.js';
import { createDatabase, dropDatabase } from '../test/support/db.js';
import { fmt, median, table } from './support/measure.js';

const STREAM_EVENTS = Number(process.env.BENCH_STREAM_EVENTS ?? 1000);
const EVENT_BYTES = Number(process.env.BENCH_EVENT_BYTES ?? 100_000);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 60);
const WHOLE_STREAM_COMMANDS = 3;
const TARGET_RATIO = 1.5;

const userId = 1;
const context: CommandContext = { userId, requestId: 'bench-command-cost', at: '2026-12-03T10:00:00.000Z' };
const metadata = { ...context };
const content = (i: number) => `${String(i).padStart(8, '0')} ${'x'.repeat(EVENT_BYTES - 9)}`;

interface Row {
  command: string;
  newMs: number;
  longMs: number;
  ratio: number;
}

export async function benchCommandCost(): Promise<{ rows: Row[]; firstMs: number; wholeMs: number }> {
  const { url, name } = await createDatabase('resumate_bench');
  const db = createKnex(url, { max: 4 });
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4 });
  const ids = sequenceIds(db);
  const deps: CommandDeps = { store, ids, clock: systemClock, readModelsFor: () => [], waitFor: async () => {}, snapshots: postgresSnapshots(db) };
  const withoutSnapshots: CommandDeps = { ...deps, snapshots: undefined };
  try {
    const long = await writeResume(store, await ids.next('resume'), STREAM_EVENTS);
    const fresh: number[] = [];
    for (let i = 0; i < 2 * COMMANDS + 2; i++) fresh.push(await writeResume(store, await ids.next('resume'), 1));

    const timed = async (run: () => Promise<void>) => {
      const started = performance.now();
      await run();
      return performance.now() - started;
    };
    // The first command on a stream written before snapshots folds it whole and stores one.
    const firstMs = await timed(() => updateResume(deps, { id: long, userId, changes: { title: 'first' } }, context));
    await updateResume(deps, { id: fresh.pop()!, userId, changes: { title: 'warm-up' } }, context);

    const rows: Row[] = [];
    const scenarios: [string, (i: number) => ResumeChanges][] = [
      ['PATCH title', (i) => ({ title: `title ${i}` })],
      [`PATCH content (${fmt(EVENT_BYTES / 1000)} KB)`, (i) => ({ content: content(STREAM_EVENTS + i) })],
    ];
    for (const [command, changes] of scenarios) {
      const onNew: number[] = [];
      const onLong: number[] = [];
      for (let i = 0; i < COMMANDS; i++) {
        onNew.push(await timed(() => updateResume(deps, { id: fresh.pop()!, userId, changes: changes(i) }, context)));
        onLong.push(await timed(() => updateResume(deps, { id: long, userId, changes: changes(i) }, context)));
      }
      rows.push({ command, newMs: median(onNew), longMs: median(onLong), ratio: median(onLong) / median(onNew) });
    }
    const whole: number[] = [];
    for (let i = 0; i < WHOLE_STREAM_COMMANDS; i++) {
      whole.push(await timed(() => updateResume(withoutSnapshots, { id: long, userId, changes: { title: `whole ${i}` } }, context)));
    }
    return { rows, firstMs, wholeMs: median(whole) };
  } finally {
    await store.close();
    await db.destroy();
    await dropDatabase(name);
  }
}

/** A resume stream of `events` large events, written straight to the store (ten per append). */
async function writeResume(store: PostgresEventStore, id: number, events: number): Promise<number> {
  const stream = resumeStream(id);
  const all: NewEvent[] = [
    { type: 'ResumeCreated', data: { id, userId, username: 'bench', title: 'Engineer', content: content(0), source: 'manual', at: context.at }, metadata },
  ];
  for (let i = 1; i < events; i++) all.push({ type: 'ResumeUpdated', data: { id, userId, changes: { content: content(i) }, at: context.at }, metadata });
  for (let from = 0; from < all.length; from += 10) {
    await store.append(stream, all.slice(from, from + 10), { expectedRevision: from === 0 ? 'no_stream' : BigInt(from - 1) });
  }
  return id;
}

export async function main(): Promise<boolean> {
  const { rows, firstMs, wholeMs } = await benchCommandCost();
  console.log(`\nbench/command-cost — a resume command on a stream of ${fmt(STREAM_EVENTS)} events of ${fmt(EVENT_BYTES / 1000)} KB vs on a stream of one (median of ${COMMANDS}, interleaved)`);
  console.log(
    table(rows.map((r) => ({
      command: r.command,
      'stream of 1 (ms)': fmt(r.newMs, 1),
      [`stream of ${fmt(STREAM_EVENTS)} (ms)`]: fmt(r.longMs, 1),
      ratio: fmt(r.ratio, 2),
      target: `≤ ${TARGET_RATIO}`,
    }))),
  );
  console.log(`first command on the long stream (folds it whole, stores the snapshot): ${fmt(firstMs, 0)} ms`);
  console.log(`the same stream read whole, as before snapshots (median of ${WHOLE_STREAM_COMMANDS}): ${fmt(wholeMs, 0)} ms`);
  return rows.every((r) => r.ratio <= TARGET_RATIO);
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
