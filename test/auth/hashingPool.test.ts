import { expect } from 'chai';
import { hashingPool, HASHING_BUSY } from '../../src/auth/hashingPool.js';
import { ServiceUnavailable } from '../../src/domain/errors.js';

/** A task that runs until released, recording that it started. */
function heldTask(started: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { task: async () => void (started.push(name), await done), release };
}

async function refusal(action: Promise<unknown>): Promise<ServiceUnavailable> {
  const err = await action.then(
    () => expect.fail('expected a 503'),
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(ServiceUnavailable);
  return err as ServiceUnavailable;
}

describe('hashing pool', () => {
  it('runs `concurrency` tasks, queues `queue` more in order, and refuses the next at once with Retry-After', async () => {
    const pool = hashingPool({ concurrency: 2, queue: 2 });
    const started: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => heldTask(started, name));
    const runs = tasks.map((t, i) => pool.run(`client-${i}`, t.task));
    await Promise.resolve();
    expect(started).to.deep.equal(['a', 'b']);
    expect(pool.load).to.equal(4);

    const busy = await refusal(pool.run('client-9', async () => 'never'));
    expect({ message: busy.message, retryAfterS: busy.retryAfterS }).to.deep.equal({ message: HASHING_BUSY, retryAfterS: 1 });

    tasks[0]!.release();
    await runs[0];
    expect(started).to.deep.equal(['a', 'b', 'c']);
    for (const t of tasks) t.release();
    await Promise.all(runs);
    expect(pool.load).to.equal(0);
  });

  it('keeps room for other addresses while one address floods it (a 200-login burst)', async () => {
    const pool = hashingPool({ concurrency: 1, queue: 4 });
    const started: string[] = [];
    const flood = Array.from({ length: 200 }, (_, i) => heldTask(started, `attacker-${i}`));
    const outcomes = flood.map((t) => pool.run('203.0.113.7', t.task).then(() => 'done', (e: unknown) => (e instanceof ServiceUnavailable ? '503' : 'error')));
    const victim = heldTask(started, 'victim');
    const victimRun = pool.run('198.51.100.1', victim.task);
    for (const t of flood) t.release();
    victim.release();
    await victimRun;
    const answers = await Promise.all(outcomes);
    expect(answers.filter((a) => a === 'done')).to.have.length(3);
    expect(answers.filter((a) => a === '503')).to.have.length(197);
    expect(started).to.include('victim');
  });

  it('gives a freed slot to another address before the flooding one’s queue', async () => {
    const pool = hashingPool({ concurrency: 1, queue: 4 });
    const started: string[] = [];
    const [a0, a1, a2] = ['a0', 'a1', 'a2'].map((name) => heldTask(started, name)) as [ReturnType<typeof heldTask>, ReturnType<typeof heldTask>, ReturnType<typeof heldTask>];
    const victim = heldTask(started, 'victim');
    const runs = [pool.run('attacker', a0.task), pool.run('attacker', a1.task), pool.run('attacker', a2.task), pool.run('victim', victim.task)];
    await Promise.resolve();
    expect(started).to.deep.equal(['a0']);
    a0.release();
    await runs[0];
    await Promise.resolve();
    expect(started).to.deep.equal(['a0', 'victim']);
    for (const t of [a1, a2, victim]) t.release();
    await Promise.all(runs);
    expect(started).to.deep.equal(['a0', 'victim', 'a1', 'a2']);
  });

  it('frees the slot of a task that fails', async () => {
    const pool = hashingPool({ concurrency: 1, queue: 0 });
    await pool.run('a', () => Promise.reject(new Error('boom'))).catch(() => undefined);
    expect(await pool.run('a', async () => 'ok')).to.equal('ok');
  });
});
