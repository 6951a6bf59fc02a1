import net from 'node:net';
import { expect } from 'chai';
import { CHILD_SECRET_KEY } from '../support/childApi.js';
import { runApiToEnd, UNSET_INFRASTRUCTURE } from '../support/command.js';
import { testDatabaseUrl } from '../support/db.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from '../support/dataKeys.js';
import { freePort } from '../support/net.js';

const STACK_FRAME = /^\s+at /m;

describe('start-up failures', function () {
  this.timeout(60_000);
  const env = (overrides: Record<string, string>) => ({
    ...UNSET_INFRASTRUCTURE,
    DATABASE_URL: testDatabaseUrl(),
    SECRET_KEY: CHILD_SECRET_KEY,
    DATA_KEY_ENCRYPTION_KEY: TEST_DATA_KEY_ENCRYPTION_KEY,
    ALLOWED_HOSTS: '*',
    HOST: '127.0.0.1',
    DEBUG: 'False',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    SEED_EXAMPLES: 'False', // the run's database is shared
    ...overrides,
  });

  it('a busy port: one line naming the port and PORT, exit code 1, no stack trace', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const run = await runApiToEnd(env({ PORT: String(port) }));
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr.trim().split('\n'), run.stderr).to.deep.equal([
        `Port ${port} on 127.0.0.1 is already in use (another ResuMate?): stop what listens there, or set PORT`,
      ]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('an unreachable database: one line naming it and DATABASE_URL, exit code 1', async () => {
    const url = `postgres://resumate:secret@127.0.0.1:${await freePort()}/resumate`;
    const run = await runApiToEnd(env({ DATABASE_URL: url, PORT: String(await freePort()) }));
    expect(run.code, run.stderr).to.equal(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).to.have.length(1);
    expect(lines[0]).to.match(/^Cannot use the database at postgres:\/\/resumate:\*\*\*\*@127\.0\.0\.1:\d+\/resumate: .*ECONNREFUSED.*fix DATABASE_URL/);
    expect(run.stderr).not.to.include('secret');
  });

  it('a database that does not exist: one line, no trace from the connection pool', async () => {
    const url = new URL(testDatabaseUrl());
    url.pathname = '/resumate_no_such_database';
    const run = await runApiToEnd(env({ DATABASE_URL: url.toString(), PORT: String(await freePort()) }));
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split('\n'), run.stderr).to.have.length(1);
    expect(run.stderr).to.match(/^Cannot use the database at .*: database "resumate_no_such_database" does not exist: /);
  });

  it('bad configuration: one line naming the variable, exit code 1', async () => {
    const run = await runApiToEnd(env({ PORT: 'eighty' }));
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.equal('Invalid configuration: PORT must be an integer between 1 and 65535 (got "eighty")');
  });

  it('shows the stack trace with LOG_LEVEL=debug', async () => {
    const url = `postgres://resumate@127.0.0.1:${await freePort()}/resumate`;
    const run = await runApiToEnd(env({ DATABASE_URL: url, LOG_LEVEL: 'debug' }));
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^StartupFailure: Cannot use the database at/);
    expect(run.stderr).to.match(STACK_FRAME);
  });
});
