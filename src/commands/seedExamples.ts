import type { Knex } from 'knex';
import type { CommandContext } from '../domain/decider.js';
import type { JobApplicationFields } from '../domain/jobApplication/index.js';
import { userDecider, userStream, type UserEvent } from '../domain/user/index.js';
import { usernameDecider, usernameStream, type UsernameEvent } from '../domain/username/index.js';
import { EXAMPLE_APPLICATIONS, EXAMPLE_USER, EXAMPLE_USERNAME, UNUSABLE_PASSWORD } from '../examples/jobApplications.js';
import type { Logger } from '../logger.js';
import { exampleApplicationTitles } from '../projections/jobApplications.js';
import { ProjectionTimeout } from '../projections/progress.js';
import type { CommandDeps } from './deps.js';
import { createJobApplication } from './jobApplications.js';
import { registerReservedUser } from './users.js';

export interface SeedDeps {
  commands: CommandDeps;
  db: Knex;
  /** Lets the read models apply everything already in the log, so "missing" is judged on all of it. */
  catchUp(): Promise<void>;
}

export interface SeedReport {
  userId: number;
  userCreated: boolean;
  applicationsCreated: number[];
  applicationsPresent: number;
}

/**
 * Idempotent: creates the non-login `example` user and each example application it does not
 * own yet (matched by title and company, soft-deleted ones included, so a rerun creates nothing).
 * Safe when several processes seed at once (servers starting together, an admin's command):
 * a PostgreSQL advisory lock lets one seed at a time, and the next finds everything present.
 */
export async function seedExamples(deps: SeedDeps): Promise<SeedReport> {
  return deps.db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [SEED_LOCK]);
    return seedMissingExamples(deps);
  });
}

const SEED_LOCK = 'resumate:seed-examples';

async function seedMissingExamples(deps: SeedDeps): Promise<SeedReport> {
  const { commands } = deps;
  const context = (): CommandContext => ({ userId: null, requestId: 'seed-examples', at: commands.clock.now().toISOString() });
  const existingUser = await findExampleUser(commands);
  const userId = existingUser ?? (await registerReservedUser(commands, EXAMPLE_USER, context()));
  // All present is final (examples are never removed from the read model); "missing" is judged on the whole log.
  let missing = await missingExamples(deps.db, userId);
  if (missing.length > 0) {
    await deps.catchUp();
    missing = await missingExamples(deps.db, userId);
  }
  const applicationsCreated: number[] = [];
  for (const fields of missing) {
    applicationsCreated.push(await createJobApplication(commands, { userId, fields, isExample: true }, context()));
  }
  return { userId, userCreated: existingUser === undefined, applicationsCreated, applicationsPresent: EXAMPLE_APPLICATIONS.length - applicationsCreated.length };
}

/** Why the examples cannot be attached to the `example` user; the admin has to act. */
export class ExampleOwnerUnusable extends Error {
  override readonly name = 'ExampleOwnerUnusable';
}

/**
 * At start-up (SEED_EXAMPLES), as the original does: the examples exist after the first start.
 * A start never fails for them: read models still catching up or an unusable owner are logged,
 * and the next start checks again.
 */
export async function seedExamplesAtStart(deps: SeedDeps, logger: Logger): Promise<void> {
  try {
    const report = await seedExamples(deps);
    if (report.applicationsCreated.length > 0) {
      logger.info({ userId: report.userId, applications: report.applicationsCreated }, 'example job applications created');
    }
  } catch (err) {
    if (err instanceof ProjectionTimeout) {
      logger.warn('the read models are catching up with the log: the example applications were not checked; the next start checks again');
    } else if (err instanceof ExampleOwnerUnusable) {
      logger.warn(`${err.message} The example applications were not created.`);
    } else {
      throw err;
    }
  }
}

/** Asks the log, not a read model that may lag; refuses a squatted `example` that can log in. */
async function findExampleUser(commands: CommandDeps): Promise<number | undefined> {
  const reservation = await commands.store.readStream<UsernameEvent>(usernameStream(EXAMPLE_USERNAME));
  const { reservedBy } = reservation.reduce(usernameDecider.evolve, usernameDecider.initialState());
  if (reservedBy === null) return undefined;
  const user = (await commands.store.readStream<UserEvent>(userStream(reservedBy))).reduce(userDecider.evolve, userDecider.initialState());
  if (user.status === 'absent' || user.status === 'erased') throw new ExampleOwnerUnusable(`The username "${EXAMPLE_USERNAME}" is reserved but its account is not recorded yet; run the command again.`);
  if (user.passwordHash !== UNUSABLE_PASSWORD) {
    throw new ExampleOwnerUnusable(`The username "${EXAMPLE_USERNAME}" belongs to an account that can log in; refusing to attach example data to it.`);
  }
  return user.id;
}

const titleOf = (f: { job_title: string; company_name: string }): string => `${f.job_title}\u0000${f.company_name}`;

async function missingExamples(db: Knex, userId: number): Promise<JobApplicationFields[]> {
  const present = new Set((await exampleApplicationTitles(db, userId)).map(titleOf));
  return EXAMPLE_APPLICATIONS.filter((f) => !present.has(titleOf(f)));
}
