import { ConfigError, loadConfig } from '../config.js';
import { createKnex, migrateToLatest } from '../db/knex.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (the API also does this at start). */
try {
  const config = loadConfig();
  if (config.database.kind !== 'url') throw new ConfigError('DATABASE_URL', 'is required (the embedded database is migrated by `npm start` itself)');
  const db = createKnex(config.database.url, { max: 1 });
  const applied = await migrateToLatest(db);
  await db.destroy();
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
