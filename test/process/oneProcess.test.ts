import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { expect } from 'chai';
import { childEnv } from '../support/childApi.js';
import { testDatabaseUrl } from '../support/db.js';
import { freePort } from '../support/net.js';

const childrenOf = async (pid: number): Promise<number[]> =>
  (await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number);
const commandOf = async (pid: number): Promise<string> => (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');

/** `npm start` runs the API itself, not a tsx process that runs it: killing what was started frees the port. */
describe('npm start', function () {
  this.timeout(60_000);

  it('runs the API as npm’s one child, so a SIGKILL of it leaves nothing listening', async function () {
    if (!(await fs.access('/proc/self/task').then(() => true, () => false))) this.skip();
    const port = await freePort();
    const npm = spawn('npm', ['start'], { env: { ...process.env, ...childEnv(testDatabaseUrl(), { PORT: String(port) }) }, stdio: 'ignore' });
    const exited = new Promise((resolve) => npm.once('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}/healthz`;
      for (let ready = false; !ready; ) {
        if (npm.exitCode !== null) throw new Error('npm start exited');
        ready = await fetch(url).then((r) => r.ok, () => false);
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [api, ...others] = await childrenOf(npm.pid!);
      expect(others).to.deep.equal([]);
      expect(await commandOf(api!)).to.equal('node --import tsx src/main.ts');
      expect(await childrenOf(api!), 'processes the API started').to.deep.equal([]);

      process.kill(api!, 'SIGKILL');
      await exited;
      expect(await fetch(url).then(() => 'answered', (err: { cause?: { code?: string } }) => err.cause?.code)).to.equal('ECONNREFUSED');
    } finally {
      npm.kill('SIGKILL');
    }
  });
});
