import { expect } from 'chai';
import { childEnv, startChildApi, type ChildApi } from '../support/childApi.js';
import { testDatabaseUrl } from '../support/db.js';

/** The first lines an operator reads: what runs where, readable on a terminal, JSON for collectors. */
describe('the start-up log', function () {
  this.timeout(60_000);
  let api: ChildApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('is JSON when not on a terminal: a summary of what runs where, no configuration dump', async () => {
    api = await startChildApi(childEnv(testDatabaseUrl(), { LOG_LEVEL: 'info', LOG_FORMAT: '' }));
    await api.stop();
    const lines = api.recentOutput().split('\n').filter((line) => line.trim() !== '');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const ready = entries.find((e) => e.msg === `ResuMate API listening on ${api!.url}`);
    expect(ready, lines.join('\n')).to.deep.include({
      database: `PostgreSQL at ${new URL(testDatabaseUrl()).href.replace(/:[^:@/]*@/, ':****@')}`,
      eventStore: 'PostgreSQL (events table)',
      projectors: 'in this process',
    });
    expect(ready?.cache).to.match(/^Redis at redis:\/\//);
    expect(entries.filter((e) => 'config' in e)).to.deep.equal([]);
    expect(Math.max(...lines.map((line) => line.length))).to.be.below(400);
  });

  it('is human-readable with LOG_FORMAT=pretty: one request on one line', async () => {
    api = await startChildApi(childEnv(testDatabaseUrl(), { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }));
    expect((await fetch(`${api.url}/api/`)).status).to.equal(200);
    await api.stop();
    const output = api.recentOutput();
    expect(output).to.match(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] INFO: ResuMate API listening on ${api.url}\\n    database: "PostgreSQL at `, 'm'));
    expect(output, output).to.match(/^\[\d\d:\d\d:\d\d\] INFO: GET \/api\/? 200 [\d.]+ ms \(request [0-9a-f-]+\)$/m);
    expect(output, output).not.to.match(/^\{/m);
  });
});
