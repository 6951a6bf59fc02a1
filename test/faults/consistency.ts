import { expect } from 'chai';
import pg from 'pg';
import { START } from '../../src/eventstore/port.js';
import { openTestEventStore } from '../support/eventStore.js';
import type { Exchange } from '../support/faultLoad.js';
import { dumpReadModels, rebuildReadModels, waitForWholeLog } from '../support/readModels.js';

interface CreatedEvent {
  id: number;
  job_title: string | null;
  company_name: string | null;
}

/**
 * What a crash or outage must never lose or corrupt: every 201 (and every write in `alsoKept`)
 * is in the log and in the read model, every application event in the log is whole (one we
 * sent, with all its fields), and the read models equal a fresh replay of the log.
 */
export async function expectConsistent(databaseUrl: string, rebuildUrl: string, writes: Exchange[], alsoKept: string[] = []): Promise<{ acknowledged: number; logged: number }> {
  await waitForWholeLog(databaseUrl);
  // Through the port, as the servers read it: personal fields are sealed in the `events` table.
  const logged = await createdApplications(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let readModelIds: Set<number>;
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM job_applications');
    readModelIds = new Set(rows.map((r) => Number(r.id)));
  } finally {
    await client.end();
  }
  const loggedTitles = new Set(logged.map((e) => e.job_title));
  const loggedIds = new Set(logged.map((e) => Number(e.id)));

  const acknowledged = writes.filter((w) => w.status === 201);
  for (const w of acknowledged) {
    const id = (w.body as { id: number }).id;
    expect(loggedIds.has(id), `acknowledged write ${w.tag} (id ${id}) is in the log`).to.equal(true);
    expect(readModelIds.has(id), `acknowledged write ${w.tag} (id ${id}) is in the read model`).to.equal(true);
  }
  for (const tag of alsoKept) expect(loggedTitles.has(tag), `write ${tag} is in the log`).to.equal(true);

  const sent = new Set(writes.map((w) => w.tag));
  for (const e of logged) {
    expect(e.job_title !== null && e.company_name !== null, `event of application ${e.id} is whole`).to.equal(true);
    if (e.job_title?.startsWith('Fault ')) expect(sent.has(e.job_title), `logged ${e.job_title} was sent`).to.equal(true);
    expect(readModelIds.has(Number(e.id)), `logged application ${e.id} is in the read model`).to.equal(true);
  }

  const [live, rebuilt] = [await dumpReadModels(databaseUrl), await rebuildReadModels(databaseUrl, rebuildUrl)];
  expect(differences(live, rebuilt), 'read models equal a fresh rebuild from the log').to.deep.equal([]);
  return { acknowledged: acknowledged.length, logged: logged.length };
}

/** Every JobApplicationCreated in the log, read a page at a time through the (sealing) store. */
async function createdApplications(databaseUrl: string): Promise<CreatedEvent[]> {
  const store = await openTestEventStore(databaseUrl);
  const created: CreatedEvent[] = [];
  try {
    for (let from = START; ; ) {
      const page = await store.readAll({ fromPosition: from, limit: 1000 });
      if (page.length === 0) return created;
      from = page[page.length - 1]!.position;
      for (const e of page) {
        if (e.type !== 'JobApplicationCreated') continue;
        const data = e.data as { id: number; fields?: { job_title?: string | null; company_name?: string | null } };
        created.push({ id: data.id, job_title: data.fields?.job_title ?? null, company_name: data.fields?.company_name ?? null });
      }
    }
  } finally {
    await store.close();
  }
}

/** The API's one error shape with the given code. */
export function expectErrorShape(x: Exchange, status: number, code: string): void {
  expect(x.status, `${x.name}: ${JSON.stringify(x.body)}`).to.equal(status);
  expect(x.body).to.include({ code });
  expect(x.body).to.have.property('error').that.is.a('string');
  expect(x.body).to.have.property('detail').that.is.a('string');
}

/** Polls GET /readyz until it answers 200 (every read model reached the head): bounded by `timeoutMs`. */
export async function waitUntilReady(base: string, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${base} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Rows only one side has, per table (a few of each): what a failed comparison prints. */
function differences(live: Record<string, string[]>, rebuilt: Record<string, string[]>): string[] {
  const found: string[] = [];
  for (const table of Object.keys(rebuilt)) {
    const [a, b] = [new Set(live[table]), new Set(rebuilt[table])];
    const onlyLive = [...a].filter((r) => !b.has(r));
    const onlyRebuilt = [...b].filter((r) => !a.has(r));
    if (onlyLive.length + onlyRebuilt.length === 0) continue;
    found.push(`${table}: ${onlyLive.length} rows only live, e.g. ${onlyLive.slice(0, 2).join(' ')}; ${onlyRebuilt.length} only rebuilt, e.g. ${onlyRebuilt.slice(0, 2).join(' ')}`);
  }
  return found;
}
