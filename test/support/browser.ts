import { existsSync } from 'node:fs';

/** Debian's and Ubuntu's packaged browsers (never a downloaded build); the first one present is used. */
const BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The browser tests skip (with one notice) on a machine without a browser, so `npm test` passes
 * with only Node, PostgreSQL and Redis; REQUIRE_BROWSER=1 (CI, after installing chromium) turns
 * the skip into a failure. SKIP_BROWSER_TESTS=1 skips them even where a browser is installed.
 */
export function requireBrowser(ctx: Pick<Mocha.Context, 'skip'>, candidates: readonly string[] = BROWSERS): string {
  if (process.env.SKIP_BROWSER_TESTS === '1' && !process.env.REQUIRE_BROWSER) {
    console.warn('    SKIPPED: SKIP_BROWSER_TESTS=1, so the browser tests do not run');
    ctx.skip();
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  if (process.env.REQUIRE_BROWSER) throw new Error(`a browser is required here (REQUIRE_BROWSER is set) but none of ${candidates.join(', ')} exists`);
  console.warn(`    SKIPPED: no browser found (${candidates.join(', ')}); install Debian's chromium to run the browser tests`);
  ctx.skip();
}
