import { mkdirSync } from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { requireBrowser } from '../support/browser.js';
import { requireRedis } from '../support/redis.js';

const ARTIFACTS = 'test/artifacts';
/** What the page must live within when the app sends no policy of its own. */
const BASELINE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

describe('Swagger UI at /api/docs/ (headless Chromium)', function () {
  this.timeout(180_000);
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  let operationCount: number;
  const problems: string[] = [];
  const offOrigin: string[] = [];

  before(async function () {
    const executablePath = requireBrowser(this);
    await requireRedis(this);
    api = await startTestApi();
    user = await api.newUser();
    const schema = await api.request<{ paths: Record<string, object> }>('/api/schema/');
    operationCount = Object.values(schema.body.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(60_000); // two shared cores: rendering the whole document can take a while
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    // Offline: anything but our own server is refused and remembered.
    await page.route('**/*', async (route) => {
      if (route.request().url().startsWith(api.url)) return route.fallback();
      offOrigin.push(route.request().url());
      return route.abort();
    });
    await page.route(`${api.url}/api/docs/`, async (route) => {
      const response = await route.fetch();
      const headers = response.headers();
      headers['content-security-policy'] ??= BASELINE_CSP;
      await route.fulfill({ response, headers });
    });
    await page.goto(`${api.url}/api/docs/`);
    await page.locator('.opblock').first().waitFor();
  });

  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  const operation = (tag: string, operationId: string) => page.locator(`#operations-${tag}-${operationId}`);

  /** Expands the operation, presses "Try it out" then "Execute", and returns the rendered status and body. */
  async function tryItOut(tag: string, operationId: string): Promise<{ status: string; body: string }> {
    const op = operation(tag, operationId);
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    const live = op.locator('.live-responses-table .response');
    await live.first().waitFor();
    return {
      status: (await live.first().locator('.response-col_status').innerText()).trim(),
      body: await live.first().locator('.response-col_description').innerText(),
    };
  }

  it('renders every operation of the document, from local assets only, with no script errors', async () => {
    expect(await page.title()).to.equal('ResuMate API');
    expect(await page.locator('.opblock').count()).to.equal(operationCount);
    expect(await operation('AI', 'getAiModels').count()).to.equal(1);
    expect(offOrigin).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });

  it('runs GET /api/ai/models/ with "Try it out" and shows the 200', async () => {
    const { status, body } = await tryItOut('AI', 'getAiModels');
    expect(status).to.equal('200');
    expect(body).to.include('cache_status');
    mkdirSync(ARTIFACTS, { recursive: true });
    await operation('AI', 'getAiModels').locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/swagger-ui.png`, fullPage: false });
  });

  it('sends the bearer token given to "Authorize"', async () => {
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').first().fill(user.access);
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();
    const { status, body } = await tryItOut('Auth', 'getAuthMe');
    expect(status).to.equal('200');
    expect(body).to.include(user.username);
    expect(problems).to.deep.equal([]);
  });
});
