import type { Knex } from 'knex';
import type { CommandContext } from '../domain/decider.js';
import { NotFound, PermissionDenied } from '../domain/errors.js';
import { userDecider, userStream, type UserEvent } from '../domain/user/index.js';
import { isReservedUsername } from '../domain/username/index.js';
import { userSubject } from '../eventstore/shredding/personalFields.js';
import type { CommandDeps } from './deps.js';
import { userAggregate, usernameAggregate } from './users.js';

export interface ErasureDeps extends CommandDeps {
  /** Destroys a subject's data key (src/eventstore/shredding/keyring.ts). */
  keyring: { destroy(subject: string): Promise<void> };
  /** The read models and snapshots, to make sure nothing of the user is left there. */
  db: Knex;
}

export type ErasureOutcome = { erased: true; userId: number } | { erased: false; userId: number; reason: 'already erased' };

/**
 * Forgets a user, keeping the facts. In this order: the username is released (while it can
 * still be read, since its stream is named after it), the erasure is recorded (UserErased,
 * no personal data), the data key is destroyed (every personal field the log holds for this
 * user, on any store, reads as "[erased]" from then on), and the read models drop the user's
 * rows. A write that raced the erasure and landed after it is swept: its rows are erased again.
 * Snapshots of the user's streams (derived data holding titles) are dropped last.
 */
export async function eraseUser(deps: ErasureDeps, userId: number, context: CommandContext): Promise<ErasureOutcome> {
  const user = (await deps.store.readStream<UserEvent>(userStream(userId))).reduce(userDecider.evolve, userDecider.initialState());
  if (user.status === 'absent') throw new NotFound();
  if (user.status === 'erased') return { erased: false, userId, reason: 'already erased' };
  if (isReservedUsername(user.username)) throw new PermissionDenied('A system account cannot be erased.');
  await usernameAggregate.handle(deps, { type: 'ReleaseUsername', data: { username: user.username, userId, at: context.at } }, context);
  const erased = await userAggregate.handle(deps, { type: 'EraseUser', data: { id: userId, at: context.at } }, context);
  await deps.keyring.destroy(userSubject(userId));
  await untilShown(deps, erased);
  if (await rowsRemain(deps.db, userId)) {
    await untilShown(deps, await userAggregate.handle(deps, { type: 'EraseUser', data: { id: userId, at: context.at, sweep: true } }, context));
  }
  await deps.db.raw(`DELETE FROM stream_snapshots WHERE state->>'ownerId' = ? AND (stream_id LIKE 'resume-%' OR stream_id LIKE 'jobApplication-%')`, [String(userId)]);
  return { erased: true, userId };
}

/** Waits for every read model that handles the events (the key is destroyed first, so no read model waits on it). */
async function untilShown(deps: CommandDeps, { events, position }: { events: { type: string }[]; position: string | null }): Promise<void> {
  if (position) await deps.waitFor(deps.readModelsFor(events.map((e) => e.type)), position);
}

async function rowsRemain(db: Knex, userId: number): Promise<boolean> {
  const { rows } = await db.raw<{ rows: { remain: boolean }[] }>(
    `SELECT EXISTS (SELECT 1 FROM resumes WHERE user_id = ?)
         OR EXISTS (SELECT 1 FROM job_applications WHERE user_id = ?)
         OR EXISTS (SELECT 1 FROM job_application_events WHERE user_id = ?) AS remain`,
    [userId, userId, userId],
  );
  return rows[0]?.remain ?? false;
}
