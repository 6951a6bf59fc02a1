import type { CommandContext } from '../domain/decider.js';
import { NotFound } from '../domain/errors.js';
import { resumeDecider, resumeStream, type ResumeChanges, type ResumeSource } from '../domain/resume/index.js';
import { userDecider, userStream, type UserEvent } from '../domain/user/index.js';
import type { EventStore } from '../eventstore/port.js';
import { aggregate } from './aggregate.js';
import type { CommandDeps } from './deps.js';
import type { SnapshotPolicy } from './handle.js';
import { RETRY } from './retry.js';

// A resume may be edited often and at length: its commands start from a snapshot. Its state
// holds no content (only a digest), so a snapshot is small.
export const RESUME_SNAPSHOTS: SnapshotPolicy = { version: 1, every: 5 };

const resumes = aggregate({
  decider: resumeDecider,
  streamOf: (command) => resumeStream(command.data.id),
  // Re-deciding on the fresh stream is safe: every decision depends on the stream alone.
  retry: RETRY.few,
  createdBy: ['CreateResume'],
  snapshots: RESUME_SNAPSHOTS,
});

export interface NewResume {
  userId: number;
  /** Known to the HTTP layer; otherwise read from the owner's stream. */
  username?: string;
  title: string;
  content: string;
  source?: ResumeSource;
  aiModel?: string;
}

/** Records a new resume and returns its id once the `resumes` read model shows it. */
export async function createResume(deps: CommandDeps, input: NewResume, context: CommandContext): Promise<number> {
  const { userId, title, content, source = 'manual', aiModel } = input;
  const username = input.username ?? (await usernameOf(deps.store, userId));
  const id = await deps.ids.next('resume');
  await resumes.run(deps, {
    type: 'CreateResume',
    data: { id, userId, username, title, content, source, ...(aiModel === undefined ? {} : { aiModel }), at: context.at },
  }, context);
  return id;
}

/** Records only the fields that differ; changing nothing records nothing. */
export async function updateResume(
  deps: CommandDeps,
  input: { id: number; userId: number; changes: ResumeChanges },
  context: CommandContext,
): Promise<void> {
  await resumes.run(deps, { type: 'UpdateResume', data: { ...input, at: context.at } }, context);
}

/** Returns once every read model that shows the resume, or refers to it (`resume_used`), shows it gone. */
export async function deleteResume(deps: CommandDeps, input: { id: number; userId: number }, context: CommandContext): Promise<void> {
  await resumes.run(deps, { type: 'DeleteResume', data: { ...input, at: context.at } }, context);
}

async function usernameOf(store: EventStore, userId: number): Promise<string> {
  const events = await store.readStream<UserEvent>(userStream(userId));
  const user = events.reduce(userDecider.evolve, userDecider.initialState());
  if (user.status === 'absent' || user.status === 'erased') throw new NotFound();
  return user.username;
}
