import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startChildApi, type ChildApi } from '../support/childApi.js';
import { runApiToEnd, runResumate, UNSET_INFRASTRUCTURE, warningsIn } from '../support/command.js';
import { freePort } from '../support/net.js';

/** A first start (initdb included) took 46 s on a loaded 2-core machine: a safety limit, not what is tested. */
const START_LIMIT_MS = 150_000;

/**
 * `npm start` with nothing configured, its data under a private (mode 0700) directory as in root's
 * home, and the `resumate` command beside it. As root, PostgreSQL runs as the `postgres` user, who
 * cannot enter that directory: the data is kept where it can reach it.
 */
describe('the API on the embedded PostgreSQL', function () {
  this.timeout(300_000);
  let privateDir: string;
  let env: Record<string, string>;
  let api: ChildApi | undefined;

  before(async () => {
    privateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'resumate-private-'));
    await fs.chmod(privateDir, 0o700);
    env = {
      ...UNSET_INFRASTRUCTURE,
      DATA_DIR: path.join(privateDir, 'data'),
      EMBEDDED_PG_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DEBUG: 'True',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });
  after(async () => {
    const databaseDir = path.join(privateDir, 'data', 'postgres');
    const linked = await fs.lstat(databaseDir).then((s) => s.isSymbolicLink(), () => false);
    if (linked) await fs.rm(path.dirname(await fs.readlink(databaseDir)), { recursive: true, force: true });
    await fs.rm(privateDir, { recursive: true, force: true });
  });

  it('starts on a first run, and `resumate admin` uses its database with no settings of its own', async () => {
    api = await startChildApi(env, START_LIMIT_MS);
    const cliEnv = { ...UNSET_INFRASTRUCTURE, DATA_DIR: env.DATA_DIR!, EMBEDDED_PG_PORT: '', LOG_LEVEL: '' };

    const status = await runResumate(['admin', 'projections', 'status', '--json'], cliEnv);
    expect(status.code, status.stderr).to.equal(0);
    expect((JSON.parse(status.stdout) as { name: string }[]).map((s) => s.name)).to.include('job_applications');

    const rebuild = await runResumate(['admin', 'projections', 'rebuild', '--all', '--json'], cliEnv);
    expect(rebuild.code, rebuild.stderr).to.equal(0);
    expect((await fetch(`${api.url}/readyz`)).status).to.equal(200);
  });

  it('refuses a second start in one line that says which process runs it and where, exit code 1', async () => {
    api = await startChildApi(env, START_LIMIT_MS);
    const second = await runApiToEnd({ ...env, PORT: String(await freePort()) });
    expect(second.code).to.equal(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines, second.stderr).to.have.length(1);
    expect(lines[0]).to.include(`ResuMate is already running with the embedded database in ${path.join(env.DATA_DIR!, 'postgres')} (process ${api.pid}: `);
    expect(lines[0]).to.include(`PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT}`);
  });

  it('stops on SIGTERM with exit code 0 and no warning', async () => {
    api = await startChildApi(env, START_LIMIT_MS);
    api.child.kill('SIGTERM');
    expect(await api.exited, api.recentOutput()).to.equal(0);
    expect(warningsIn(api.recentOutput())).to.deep.equal([]);
  });

  it('stops on Ctrl-C (SIGINT to its whole process group) with exit code 0 and no warning', async () => {
    api = await startChildApi(env, START_LIMIT_MS, { ownProcessGroup: true });
    process.kill(-api.pid, 'SIGINT');
    expect(await api.exited, api.recentOutput()).to.equal(0);
    expect(warningsIn(api.recentOutput())).to.deep.equal([]);
  });

  it('stops cleanly on a Ctrl-C during its first start, leaving no PostgreSQL behind and a data directory the next start uses', async () => {
    const dataDir = path.join(privateDir, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...env, DATA_DIR: dataDir, PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // The Ctrl-C lands while initdb runs: the start is aborted rather than finished first.
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Creating the embedded PostgreSQL data directory')) resolve();
      }),
    );
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited, output).to.equal(0);
    expect(warningsIn(output)).to.deep.equal([]);
    const databaseDir = await fs.realpath(path.join(dataDir, 'postgres'));
    expect(await fs.access(path.join(databaseDir, 'postmaster.pid')).then(() => 'postmaster.pid left', () => 'stopped')).to.equal('stopped');

    api = await startChildApi({ ...env, DATA_DIR: dataDir }, START_LIMIT_MS);
    expect((await fetch(`${api.url}/readyz`)).status, api.recentOutput()).to.equal(200);
    await api.stop();
    api = undefined;
    if ((await fs.lstat(path.join(dataDir, 'postgres'))).isSymbolicLink()) await fs.rm(path.dirname(databaseDir), { recursive: true });
  });

  it('names EMBEDDED_PG_PORT in one line when its port is taken, exit code 1', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    try {
      const run = await runApiToEnd({ ...env, EMBEDDED_PG_PORT: String(taken), PORT: String(await freePort()) });
      expect(run.code).to.equal(1);
      expect(run.stderr.trim()).to.equal(`Embedded PostgreSQL could not start: port ${taken} is taken: set EMBEDDED_PG_PORT to a free port`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
