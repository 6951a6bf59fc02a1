import { expect } from 'chai';
import { allProjections } from '../../src/projections/index.js';
import { parseCsv } from '../support/adminCli.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { runResumate, UNSET_INFRASTRUCTURE } from '../support/command.js';
import { testDatabaseUrl } from '../support/db.js';
import { eventStoreEnv } from '../support/eventStore.js';
import { redisUrl } from '../support/redis.js';

/** `npx resumate admin …` piped, as `| jq` or `> f.csv` sees it: only the command's own output on stdout. */
describe('the resumate command', function () {
  this.timeout(60_000);
  let api: TestApi;
  let env: Record<string, string>;

  before(async () => {
    api = await startTestApi();
    const user = await api.newUser();
    expect((await user.post('/api/job-applications/', { job_title: 'Engineer', company_name: 'Acme' })).status).to.equal(201);
    env = { ...UNSET_INFRASTRUCTURE, DATABASE_URL: testDatabaseUrl(), ...eventStoreEnv(testDatabaseUrl()), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: api.keyPrefix, LOG_LEVEL: '' };
  });
  after(() => api.stop());

  it('prints projections status --json as JSON alone, for jq', async () => {
    const run = await runResumate(['admin', 'projections', 'status', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const statuses = JSON.parse(run.stdout) as { name: string }[];
    expect(statuses.map((s) => s.name)).to.have.members(allProjections.map((p) => p.name));
    expect(run.stderr).to.equal('');
  });

  it('writes history export --format csv as CSV from its first byte', async () => {
    const run = await runResumate(['admin', 'history', 'export', '--format', 'csv'], env);
    expect(run.code, run.stderr).to.equal(0);
    const [header, ...rows] = parseCsv(run.stdout);
    expect(header?.[0], run.stdout.slice(0, 200)).to.match(/^[a-z_]+$/);
    expect(rows.some((row) => row.includes('JobApplicationCreated'))).to.equal(true);
  });

  it('names its subcommands in its help, and refuses an unknown one with exit code 2', async () => {
    const help = await runResumate(['admin', '--help'], env);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: resumate admin /);
    expect(help.stdout).to.include('projections');
    const unknown = await runResumate(['adnim'], env);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('resumate: unknown command "adnim"');
  });
});
