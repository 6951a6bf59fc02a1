import type { CommandContext } from '../domain/decider.js';
import { NotFound } from '../domain/errors.js';
import { resumeDecider, resumeStream, type ResumeChanges, type ResumeEvent, type ResumeSource } from '../domain/resume/index.js';
import { userDecider, userStream, type UserEvent } from '../domain/user/index.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { CommandDeps } from './deps.js';
import { handleCommand, snapshotting, type SnapshotPolicy } from './handle.js';

const READ_MODELS = ['resumes'] as const;
// The job_applications read model clears `resume_used` on ResumeDeleted: wait for both.
const READ_MODELS_ON_DELETE = ['resumes', 'job_applications'] as const;
// Re-deciding on the fresh stream is safe: every decision depends on the stream alone.
const RETRIES = 2;
// A resume may be edited often and at length: its commands start from a snapshot. Its state
// holds no content (only a digest), so a snapshot is small.
export const RESUME_SNAPSHOTS: SnapshotPolicy = { version: 1, every: 5 };

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
  const { position } = await handleCommand(deps.store, resumeDecider, resumeStream(id), {
    type: 'CreateResume',
    data: { id, userId, username, title, content, source, ...(aiModel === undefined ? {} : { aiModel }), at: context.at },
  }, context, { newStream: true });
  if (position) await deps.waitFor(READ_MODELS, position);
  return id;
}

/** Records only the fields that differ; changing nothing records nothing. */
export async function updateResume(
  deps: CommandDeps,
  input: { id: number; userId: number; changes: ResumeChanges },
  context: CommandContext,
): Promise<void> {
  const { position } = await handleCommand(deps.store, resumeDecider, resumeStream(input.id), {
    type: 'UpdateResume',
    data: { ...input, at: context.at },
  }, context, { retries: RETRIES, snapshots: snapshotting(deps.snapshots, RESUME_SNAPSHOTS) });
  if (position) await deps.waitFor(READ_MODELS, position);
}

export async function deleteResume(deps: CommandDeps, input: { id: number; userId: number }, context: CommandContext): Promise<void> {
  const { position } = await handleCommand(deps.store, resumeDecider, resumeStream(input.id), {
    type: 'DeleteResume',
    data: { ...input, at: context.at },
  }, context, { retries: RETRIES, snapshots: snapshotting(deps.snapshots, RESUME_SNAPSHOTS) });
  if (position) await deps.waitFor(READ_MODELS_ON_DELETE, position);
}

/** Events read per query by a history: what one history request holds at a time. */
export const HISTORY_CHUNK_EVENTS = 10;

/**
 * The resume's events, oldest first, for its owner only, read HISTORY_CHUNK_EVENTS at a
 * time as the caller iterates: never the whole stream at once, however long it grew. A
 * deleted resume's history stays readable by its owner: the log keeps it, and it is the one
 * record of what was deleted. The owner is the creator, so the first event decides access.
 */
export async function readResumeHistory(store: EventStore, input: { id: number; userId: number }): Promise<AsyncIterable<RecordedEvent<ResumeEvent>[]>> {
  const stream = resumeStream(input.id);
  // A resume's owner is fixed at creation: its first event decides access.
  const [created] = await store.readStream<ResumeEvent>(stream, { maxCount: 1 });
  if (created?.type !== 'ResumeCreated' || created.data.userId !== input.userId) throw new NotFound();
  return eventsInChunks(store, stream);
}

async function* eventsInChunks(store: EventStore, stream: string): AsyncGenerator<RecordedEvent<ResumeEvent>[]> {
  for (let from = 0n; ; from += BigInt(HISTORY_CHUNK_EVENTS)) {
    const chunk = await store.readStream<ResumeEvent>(stream, { fromRevision: from, maxCount: HISTORY_CHUNK_EVENTS });
    if (chunk.length > 0) yield chunk;
    if (chunk.length < HISTORY_CHUNK_EVENTS) return;
  }
}

async function usernameOf(store: EventStore, userId: number): Promise<string> {
  const events = await store.readStream<UserEvent>(userStream(userId));
  const user = events.reduce(userDecider.evolve, userDecider.initialState());
  if (user.status === 'absent' || user.status === 'erased') throw new NotFound();
  return user.username;
}
