import type { Command } from 'commander';
import { sealPostgresLog } from '../eventstore/shredding/sealPostgresLog.js';
import { CliFailure, reportingFailures } from './cliFailure.js';
import { withInfrastructure } from './infrastructure.js';
import { logScanProgress } from './logScanProgress.js';

export const IMMUTABLE_LOG =
  'EventStoreDB events are immutable: encrypt-log cannot rewrite them. Events appended from now on are sealed, and an erased user\'s fields read as [erased] from either kind of event; to remove personal data written in clear before, copy the log into a new store (its events are sealed as they are appended) and retire the old one, or delete and scavenge its streams.';

/** `privacy encrypt-log`: brings a log written before crypto-shredding under it (README, "Privacy: erasure and export"). */
export function registerPrivacyCommands(program: Command): void {
  const privacy = program.command('privacy').description('personal data in the event log');
  privacy
    .command('encrypt-log')
    .description('seals, in place, the personal fields of events written in clear before crypto-shredding (PostgreSQL event store); resumable, each event verified to read back unchanged')
    .option('--batch-size <n>', 'events per transaction', (v) => Number(v), 1000)
    .option('--json', 'machine-readable output')
    .action((options: { batchSize: number; json?: boolean }) =>
      reportingFailures(async () => {
        if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 50_000) throw new CliFailure('--batch-size must be 1 to 50000.', 2);
        const result = await withInfrastructure(async (infra) => {
          if (infra.store.name !== 'postgres') throw new CliFailure(IMMUTABLE_LOG);
          const progress = await logScanProgress(infra.store);
          try {
            let seen = 0;
            return await sealPostgresLog(infra.db, infra.keyring, {
              batchSize: options.batchSize,
              onBatch: (p) => {
                progress.onPage(p.scanned - seen);
                seen = p.scanned;
              },
            });
          } finally {
            progress.stop();
          }
        });
        if (options.json) return void console.log(JSON.stringify(result));
        console.log(`${result.scanned} events read, ${result.sealed} sealed; the log is sealed up to position ${result.lastId}`);
      }),
    );
}
