import type { Command } from 'commander';
import type { Knex } from 'knex';
import { bcryptHasher } from '../auth/passwordHasher.js';
import { ensureAdmin, type AdminAccount } from '../commands/bootstrapAdmin.js';
import { deactivateUser } from '../commands/users.js';
import { loadCliConfig, takeAdminVariables } from '../config.js';
import { ValidationFailed } from '../domain/errors.js';
import { validatePassword } from '../domain/user/passwordPolicy.js';
import { userDecider, userStream, type UserEvent } from '../domain/user/index.js';
import type { EventStore } from '../eventstore/port.js';
import { resolveUserRef } from '../history/userRef.js';
import { registerBody } from '../http/schemas/auth.js';
import { bodyValidator } from '../http/validation/bodyValidator.js';
import { createLogger } from '../logger.js';
import type { Infrastructure } from '../server.js';
import { CliFailure, reportingFailures } from './cliFailure.js';
import { withInfrastructure } from './infrastructure.js';
import { registerUserErasure } from './userErasure.js';

const registration = bodyValidator(registerBody);
/** The server module loads only for commands that write (see infrastructure.ts). */
const commandDeps = async (infra: Infrastructure) => (await import('../server.js')).commandDeps(infra);

/** `users create-admin|deactivate|erase|list`. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('accounts (every change is an event)');

  users
    .command('create-admin')
    .description('creates a staff user unless the username exists (idempotent, like the ADMIN_* bootstrap at start)')
    .option('--username <name>', 'default $ADMIN_USERNAME or $DJANGO_SUPERUSER_USERNAME')
    .option('--email <email>', 'default $ADMIN_EMAIL or $DJANGO_SUPERUSER_EMAIL')
    .option('--password <password>', 'default $ADMIN_PASSWORD or $DJANGO_SUPERUSER_PASSWORD (keeps it out of the shell history)')
    .addHelpText('after', '\nValidated as registration is: username characters, email format, and Django\'s password validators.')
    .action((options: { username?: string; email?: string; password?: string }) =>
      reportingFailures(async () => {
        const fromEnv = takeAdminVariables();
        const account = validAdminAccount({
          username: options.username ?? fromEnv.username,
          email: options.email ?? fromEnv.email,
          password: options.password ?? fromEnv.password,
        });
        const config = loadCliConfig();
        const outcome = await withInfrastructure(async (infra) => {
          const hasher = bcryptHasher(config.bcrypt.implementation, config.bcrypt.rounds);
          const result = await ensureAdmin(await commandDeps(infra), hasher, account, createLogger('silent'));
          return result === 'created' ? 'created' : describeExisting(infra.store, account.username);
        }, { runProjectors: true });
        console.log(outcome === 'created' ? `admin "${account.username}" created` : `user "${account.username}" already exists (${outcome}); nothing changed`);
      }),
    );

  users
    .command('deactivate <username>')
    .description('deactivates the account (an event): logins and its access and refresh tokens are refused from then on')
    .action((ref: string) =>
      reportingFailures(async () => {
        const message = await withInfrastructure(async (infra) => {
          const id = await resolveUserRef(infra.store, ref);
          if (id === undefined) throw new CliFailure(`No user "${ref}".`);
          if ((await accountOf(infra.store, id)).status === 'inactive') return `user "${ref}" (id ${id}) was already inactive`;
          const deps = await commandDeps(infra);
          await deactivateUser(deps, id, { userId: null, requestId: 'admin-cli', at: deps.clock.now().toISOString() });
          return `user "${ref}" (id ${id}) is inactive`;
        }, { runProjectors: true });
        console.log(message);
      }),
    );

  registerUserErasure(users);

  users
    .command('list')
    .description('every account, oldest first, from the users read model')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      reportingFailures(async () => {
        const rows = await withInfrastructure((infra) => listAccounts(infra.db));
        if (options.json) return void console.log(JSON.stringify(rows, null, 2));
        if (rows.length === 0) console.log('No users.');
        for (const u of rows) {
          console.log(`${String(u.id).padStart(6)}  ${u.username.padEnd(24)} ${u.email.padEnd(32)} ${u.is_staff ? 'staff' : '     '} ${u.is_active ? 'active' : 'inactive'}  joined ${u.date_joined}`);
        }
      }),
    );
}

/** Registration's rules; a missing value or a refused one is wrong usage (exit 2). */
function validAdminAccount(given: Partial<AdminAccount>): AdminAccount {
  const missing = (['username', 'email', 'password'] as const).filter((field) => !given[field]);
  if (missing.length > 0) throw new CliFailure(`${missing.map((f) => `--${f}`).join(', ')} required (or the ADMIN_* variable)`, 2);
  const { username, email, password } = registration.parse({ ...given, password2: given.password });
  const problems = validatePassword(password, { username, email });
  if (problems.length > 0) throw new ValidationFailed({ password: problems });
  return { username, email, password };
}

async function accountOf(store: EventStore, id: number) {
  const events = await store.readStream<UserEvent>(userStream(id));
  return events.reduce(userDecider.evolve, userDecider.initialState());
}

async function describeExisting(store: EventStore, username: string): Promise<string> {
  const id = await resolveUserRef(store, username);
  const account = id === undefined ? undefined : await accountOf(store, id);
  if (!account || account.status === 'absent' || account.status === 'erased') return 'not staff';
  return `${account.isStaff ? 'staff' : 'not staff'}, ${account.status}`;
}

interface AccountRow {
  id: number;
  username: string;
  email: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: string;
}

async function listAccounts(db: Knex): Promise<AccountRow[]> {
  const rows = await db('users').select('id', 'username', 'email', 'is_staff', 'is_active', 'date_joined').orderBy('id');
  return (rows as (Omit<AccountRow, 'date_joined'> & { date_joined: Date })[]).map((r) => ({ ...r, date_joined: r.date_joined.toISOString() }));
}
