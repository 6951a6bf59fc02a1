import { runWithExactly, type Finished } from './command.js';
import { testDatabaseUrl } from './db.js';
import { eventStoreEnv } from './eventStore.js';
import { redisUrl } from './redis.js';
import { TEST_DATA_KEY_ENCRYPTION_KEY } from './dataKeys.js';

export type CliRun = Finished;

/** `npm run admin -- …` as a child process on this run's database (or `env.DATABASE_URL`) and its event store, the way an admin runs it. */
export function runAdmin(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const databaseUrl = env.DATABASE_URL ?? testDatabaseUrl();
  return runWithExactly(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    ...eventStoreEnv(databaseUrl),
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'silent',
    BCRYPT_ROUNDS: '4',
    DATA_KEY_ENCRYPTION_KEY: TEST_DATA_KEY_ENCRYPTION_KEY,
    ...env,
  });
}

/** RFC 4180 CSV as csv-stringify writes it: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
