import { expect } from 'chai';
import { requireBrowser } from '../support/browser.js';

class Skipped extends Error {}

/** Runs requireBrowser with the given environment, counting skips and printed notices. */
function attempt(candidates: string[], env: { REQUIRE_BROWSER?: string; SKIP_BROWSER_TESTS?: string }) {
  const saved = { REQUIRE_BROWSER: process.env.REQUIRE_BROWSER, SKIP_BROWSER_TESTS: process.env.SKIP_BROWSER_TESTS };
  const notices: string[] = [];
  const warn = console.warn;
  let skips = 0;
  for (const [name, value] of Object.entries({ REQUIRE_BROWSER: env.REQUIRE_BROWSER, SKIP_BROWSER_TESTS: env.SKIP_BROWSER_TESTS })) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  console.warn = (...args: unknown[]) => void notices.push(args.join(' '));
  const ctx = {
    skip(): never {
      skips += 1;
      throw new Skipped();
    },
  };
  try {
    return { path: requireBrowser(ctx, candidates), skips, notices };
  } catch (err) {
    if (err instanceof Skipped) return { path: undefined, skips, notices };
    throw err;
  } finally {
    console.warn = warn;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('browser tests on a machine without a browser', () => {
  const none = ['/nonexistent/chromium', '/nonexistent/google-chrome'];

  it('skip with one printed notice', () => {
    const { path, skips, notices } = attempt(none, {});
    expect({ path, skips }).to.deep.equal({ path: undefined, skips: 1 });
    expect(notices).to.have.length(1);
    expect(notices[0]).to.include('SKIPPED: no browser found').and.to.include('/nonexistent/chromium');
  });

  it('fail instead when REQUIRE_BROWSER=1 (CI, after installing chromium)', () => {
    expect(() => attempt(none, { REQUIRE_BROWSER: '1' })).to.throw('a browser is required here (REQUIRE_BROWSER is set)');
  });

  it('use the first browser present', () => {
    expect(attempt(['/nonexistent/chromium', process.execPath], {})).to.deep.equal({ path: process.execPath, skips: 0, notices: [] });
  });

  it('skip on SKIP_BROWSER_TESTS=1 even where a browser exists, unless REQUIRE_BROWSER=1', () => {
    expect(attempt([process.execPath], { SKIP_BROWSER_TESTS: '1' })).to.include({ path: undefined, skips: 1 });
    expect(attempt([process.execPath], { SKIP_BROWSER_TESTS: '1', REQUIRE_BROWSER: '1' })).to.include({ path: process.execPath, skips: 0 });
  });
});
