import type { Command } from 'commander';
import { eraseUser } from '../commands/eraseUser.js';
import { resolveUserRef } from '../history/userRef.js';
import type { Infrastructure } from '../server.js';
import { CliFailure, reportingFailures } from './cliFailure.js';
import { withInfrastructure } from './infrastructure.js';

/** `users erase <username>`: an erasure request that arrived by email (README, "Privacy: erasure and export"). */
export function registerUserErasure(users: Command): void {
  users
    .command('erase <username>')
    .description("erases the account for good: its personal data in the log becomes unreadable (its key is destroyed), its rows leave every read model, its tokens and login stop working, its username is free again; the facts stay")
    .option('--json', 'machine-readable output')
    .action((ref: string, options: { json?: boolean }) =>
      reportingFailures(async () => {
        const outcome = await withInfrastructure(async (infra) => {
          const id = await resolveUserRef(infra.store, ref);
          if (id === undefined) throw new CliFailure(`No user "${ref}" (an erased account's name no longer names it).`);
          const deps = { ...(await commandDeps(infra)), keyring: infra.keyring, db: infra.db };
          return eraseUser(deps, id, { userId: null, requestId: 'admin-cli', at: deps.clock.now().toISOString() });
        }, { runProjectors: true });
        if (options.json) return void console.log(JSON.stringify({ username: ref, id: outcome.userId, erased: outcome.erased }));
        console.log(outcome.erased ? `user "${ref}" (id ${outcome.userId}) is erased` : `user "${ref}" (id ${outcome.userId}) was already erased`);
      }),
    );
}

/** The server module loads only for commands that write (see infrastructure.ts). */
const commandDeps = async (infra: Infrastructure) => (await import('../server.js')).commandDeps(infra);
