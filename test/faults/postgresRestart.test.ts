import { expect } from 'chai';
import { childEnv, startChildApi, type ChildApi } from '../support/childApi.js';
import { exchange, signUp, sleep, startLoad, writeTag, type Exchange } from '../support/faultLoad.js';
import { DisposablePostgres } from '../support/pgCluster.js';
import { expectConsistent, expectErrorShape, waitUntilReady } from './consistency.js';

/**
 * PostgreSQL (a private cluster) stopped with a fast shutdown under write and read load, then
 * started again, under one API process that is never restarted.
 */
describe('fault: PostgreSQL restarted mid-load', function () {
  this.timeout(180_000);
  let cluster: DisposablePostgres;
  let api: ChildApi | undefined;

  before(async () => {
    cluster = await DisposablePostgres.create();
  });
  after(async () => {
    await api?.stop();
    await cluster?.destroy();
  });

  it('fails writes fast with 503 while it is down, serves them again without a restart, and loses or half-applies nothing', async () => {
    const databaseUrl = await cluster.createDatabase('resumate');
    const rebuildUrl = await cluster.createDatabase('resumate_rebuild');
    api = await startChildApi(childEnv(databaseUrl, { PROJECTION_WAIT_TIMEOUT_MS: '3000' }));
    const base = api.url;
    const { access } = await signUp(base);

    const writes = startLoad(4, (w, i) => {
      const tag = writeTag(w, i);
      return exchange('create', `${base}/api/job-applications/`, { method: 'POST', token: access, body: { job_title: tag, company_name: 'Fault Inc.', status: 'Applied' } }, tag);
    });
    const reads = startLoad(2, () => exchange('list', `${base}/api/job-applications/`, { token: access }));
    await sleep(1500);

    const stopping = performance.now();
    await cluster.stop();
    const down = performance.now();
    await sleep(3000);
    const starting = performance.now();
    await cluster.start();
    const up = performance.now();

    let recovered: Exchange | undefined;
    while (!recovered && performance.now() - up < 60_000) {
      await sleep(100);
      recovered = writes.seen.find((x) => x.status === 201 && x.startedAt > up);
    }
    await sleep(1000);
    const all = [...(await writes.stop()), ...(await reads.stop())];
    const afterRecovery = all.filter((x) => x.startedAt > (recovered?.startedAt ?? Infinity));

    const duringOutage = all.filter((x) => x.startedAt > down && x.startedAt + x.ms < starting);
    const worstOutageMs = Math.max(...duringOutage.map((x) => x.ms));
    console.log(`      stop took ${(down - stopping).toFixed(0)} ms, start ${(up - starting).toFixed(0)} ms; ${duringOutage.length} requests during the outage, slowest ${worstOutageMs.toFixed(0)} ms; first 201 ${recovered ? (recovered.startedAt + recovered.ms - up).toFixed(0) : '-'} ms after PostgreSQL was up`);

    if (process.env.FAULT_DEBUG) console.log(api.recentOutput());
    const broken = all.filter((x) => x.status === 500 || x.status === 0).map((x) => `${x.name} ${x.status} ${JSON.stringify(x.body)}`);
    expect(broken, `no 500 and no dropped connection: ${broken.slice(0, 5).join('; ')}`).to.have.length(0);
    const outageWrites = duringOutage.filter((x) => x.name === 'create');
    expect(outageWrites.length, 'writes were tried during the outage').to.be.greaterThan(0);
    for (const x of duringOutage) expectErrorShape(x, 503, 'service_unavailable');
    expect(worstOutageMs, 'a request during the outage fails fast').to.be.lessThan(10_000);
    expect(recovered, 'writes succeed again without restarting the API').to.not.equal(undefined);
    expect(afterRecovery.filter((x) => x.status !== 200 && x.status !== 201), 'after recovery every request succeeds').to.deep.equal([]);
    expect(api.running, 'the API process was never restarted').to.equal(true);

    await waitUntilReady(base);
    await expectConsistent(databaseUrl, rebuildUrl, all.filter((x) => x.name === 'create'));
  });
});
