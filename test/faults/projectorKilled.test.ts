import { expect } from 'chai';
import { childEnv, startChildApi, startChildProjector, type ChildApi, type ChildProcessHandle } from '../support/childApi.js';
import { createDatabase, dropDatabase } from '../support/db.js';
import { exchange, signUp, sleep, startLoad, writeTag } from '../support/faultLoad.js';
import { expectConsistent, expectErrorShape, waitUntilReady } from './consistency.js';

/** The API with RUN_PROJECTIONS=false and a separate `npm run projector`, which is SIGKILLed under write load. */
describe('fault: projector worker killed with SIGKILL mid-load', function () {
  this.timeout(180_000);
  const databases: { name: string }[] = [];
  let api: ChildApi | undefined;
  let projector: ChildProcessHandle | undefined;

  after(async () => {
    await api?.stop();
    await projector?.stop();
    for (const { name } of databases) await dropDatabase(name);
  });

  it('keeps every write, including those that timed out with 503 while no projector ran, and rebuilds identically after a restart', async () => {
    const db = await createDatabase('resumate_fault');
    const rebuild = await createDatabase('resumate_fault_rebuild');
    databases.push(db, rebuild);
    const env = childEnv(db.url, { PROJECTION_WAIT_TIMEOUT_MS: '1500' });
    api = await startChildApi({ ...env, RUN_PROJECTIONS: 'false' });
    projector = startChildProjector(env);
    await waitUntilReady(api.url).catch((err: Error) => {
      throw new Error(`${err.message}; projector output:\n${projector?.recentOutput()}`);
    });
    const base = api.url;
    const { access } = await signUp(base);

    const writes = startLoad(4, (w, i) => {
      const tag = writeTag(w, i);
      return exchange('create', `${base}/api/job-applications/`, { method: 'POST', token: access, body: { job_title: tag, company_name: 'Fault Inc.', status: 'Applied' } }, tag);
    });
    await sleep(1500);
    await projector.kill();
    const killed = performance.now();
    await sleep(3000);
    projector = startChildProjector(env);
    const restarted = performance.now();
    // Load goes on until the new projector serves a write (bounded: start-up is slow on a busy machine).
    while (!writes.seen.some((x) => x.startedAt > restarted && x.status === 201) && performance.now() - restarted < 90_000) await sleep(200);
    const all = await writes.stop();
    const caughtUpMs = await waitUntilReady(base);

    const sentWhileDead = all.filter((x) => x.startedAt > killed && x.startedAt < restarted);
    const answeredWhileDead = sentWhileDead.filter((x) => x.startedAt + x.ms < restarted);
    const timedOut = all.filter((x) => x.status === 503);
    console.log(`      ${all.length} writes, ${all.filter((x) => x.status === 201).length} × 201, ${timedOut.length} × 503 (slowest ${Math.max(...timedOut.map((x) => x.ms)).toFixed(0)} ms); read models at the head ${caughtUpMs.toFixed(0)} ms after the load stopped`);

    expect(all.filter((x) => x.status !== 201 && x.status !== 503).map((x) => `${x.status} ${JSON.stringify(x.body)}`)).to.deep.equal([]);
    const timeline = all.map((x) => `${x.status}@${(x.startedAt - killed).toFixed(0)}+${x.ms.toFixed(0)}`).join(' ');
    expect(sentWhileDead.length, `writes were sent while no projector ran (kill at 0, restart at ${(restarted - killed).toFixed(0)}): ${timeline}`).to.be.greaterThan(0);
    expect(timedOut.length, 'writes timed out with 503 while no projector ran').to.be.greaterThan(0);
    for (const x of answeredWhileDead) expectErrorShape(x, 503, 'service_unavailable');
    expect(all.filter((x) => x.startedAt > restarted && x.status === 201).length, 'writes succeed again once the projector is back').to.be.greaterThan(0);
    await expectConsistent(db.url, rebuild.url, all, timedOut.map((x) => x.tag!));
  });
});
