import { NotFound, assertNever } from '../domain/errors.js';
import { resumeStream, type ResumeEvent } from '../domain/resume/index.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';

/** Events read per query by a history: what one history request holds at a time. */
export const HISTORY_CHUNK_EVENTS = 10;

/**
 * The resume's events, oldest first, for its owner only, read HISTORY_CHUNK_EVENTS at a
 * time as the caller iterates: never the whole stream at once, however long it grew. A
 * deleted resume's history stays readable by its owner: the log keeps it, and it is the one
 * record of what was deleted.
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

/** One entry of a resume's history, as GET /api/resumes/{id}/history/ and the personal-data export show it. */
export interface ResumeHistoryEntry {
  revision: number;
  type: ResumeEvent['type'];
  at: string;
  changes: Record<string, unknown>;
}

export function resumeHistoryEntry(event: RecordedEvent<ResumeEvent>): ResumeHistoryEntry {
  return { revision: Number(event.revision), type: event.type, at: event.data.at, changes: resumeChanges(event) };
}

/** What each event set, in the API's field names (as GET /api/resumes/{id}/history/ shows it). */
function resumeChanges(event: ResumeEvent): Record<string, unknown> {
  switch (event.type) {
    case 'ResumeCreated': {
      const { title, content, source, aiModel } = event.data;
      return { title, content, source, ...(aiModel === undefined ? {} : { ai_model: aiModel }) };
    }
    case 'ResumeUpdated':
      return event.data.changes;
    case 'ResumeDeleted':
      return {};
    default:
      return assertNever(event);
  }
}
