import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embeddedPostgres.js';
import { freePort } from '../support/net.js';

const logger = pino({ level: 'silent' });
const modulePath = fileURLToPath(new URL('../../src/db/embeddedPostgres.ts', import.meta.url));

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Starts the embedded server in a separate Node process, which the test can then kill like a crash would. */
async function startInChildProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const script = `
    import { pino } from 'pino';
    import { startEmbeddedPostgres } from ${JSON.stringify(modulePath)};
    await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, logger: pino({ level: 'silent' }) });
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited with ${code} before the database was ready`)));
  });
  return child;
}

describe('startEmbeddedPostgres', function () {
  this.timeout(120_000);

  let dataDir: string;
  let port: number;
  let db: EmbeddedDatabase | undefined;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'resumate-embedded-pg-'));
    await fs.chmod(dataDir, 0o755); // when tests run as root, the server runs as the `postgres` user and must reach it
    port = await freePort();
  });
  afterEach(async () => {
    await db?.stop();
    db = undefined;
  });
  after(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('initialises a data directory on first start and serves the resumate database', async () => {
    db = await startEmbeddedPostgres({ dataDir, port, logger });
    expect(db.url).to.equal(`postgres://postgres:postgres@127.0.0.1:${port}/resumate`);
    expect(await query(db.url, 'select 1 as one')).to.deep.equal([{ one: 1 }]);
    await query(db.url, "create table kept (note text); insert into kept values ('from the first run')");
    expect(await fs.readFile(path.join(dataDir, 'postgres', 'PG_VERSION'), 'utf8')).to.match(/^\d+/);
  });

  it('keeps the data across a restart on the same directory', async () => {
    db = await startEmbeddedPostgres({ dataDir, port, logger });
    expect(await query(db.url, 'select note from kept')).to.deep.equal([{ note: 'from the first run' }]);
  });

  it('stores text as UTF-8', async () => {
    db = await startEmbeddedPostgres({ dataDir, port, logger });
    expect(await query(db.url, "select pg_encoding_to_char(encoding) as encoding, 'é🙂' as text from pg_database where datname = 'resumate'"))
      .to.deep.equal([{ encoding: 'UTF8', text: 'é🙂' }]);
  });

  it('starts when postmaster.pid names a process id now used by another program', async () => {
    const other = spawn('sleep', ['60']);
    try {
      await fs.writeFile(path.join(dataDir, 'postgres', 'postmaster.pid'), `${other.pid}\n${path.join(dataDir, 'postgres')}\n`);
      db = await startEmbeddedPostgres({ dataDir, port, logger });
      expect(await query(db.url, 'select count(*)::int as n from kept')).to.deep.equal([{ n: 1 }]);
    } finally {
      other.kill();
    }
  });

  it('explains a taken port and names EMBEDDED_PG_PORT', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      let failure: unknown;
      await startEmbeddedPostgres({ dataDir, port, logger }).catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(Error).with.property('message').that.includes(`port ${port} is taken: set EMBEDDED_PG_PORT`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('recovers after the previous run was killed with its server still running', async () => {
    const crashed = await startInChildProcess(dataDir, port);
    crashed.kill('SIGKILL');
    await new Promise((resolve) => crashed.once('exit', resolve));

    db = await startEmbeddedPostgres({ dataDir, port, logger });
    expect(await query(db.url, 'select note from kept')).to.deep.equal([{ note: 'from the first run' }]);
  });
});
