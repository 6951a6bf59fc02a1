import { START, type EventStore, type RecordedEvent } from '../eventstore/port.js';

export const LOG_PAGE_SIZE = 500;

/**
 * The whole log in global order, read one page at a time through the port (so it works on
 * both adapters): at most one page is held in memory, however long the log. Stops at the
 * readable head when the scan started; `onPage` reports progress.
 */
export async function* eventsOfLog(
  store: EventStore,
  { pageSize = LOG_PAGE_SIZE, onPage }: { pageSize?: number; onPage?: (events: number) => void } = {},
): AsyncGenerator<RecordedEvent> {
  let fromPosition = START;
  for (;;) {
    const page = await store.readAll({ fromPosition, limit: pageSize });
    onPage?.(page.length);
    yield* page;
    if (page.length < pageSize) return;
    fromPosition = page[page.length - 1]!.position;
  }
}

/** The stream's category as EventStoreDB's `$ce-` sees it: what comes before the first dash. */
export const streamCategory = (streamId: string): string => streamId.split('-', 1)[0]!;

/** When the event happened, as the command that wrote it recorded (`metadata.at`); the store's write time if absent. */
export function eventTime(event: RecordedEvent): Date {
  const at = Date.parse(event.metadata.at);
  return Number.isNaN(at) ? event.createdAt : new Date(at);
}

/**
 * The user an event is about: the owner named in its data (`userId`: applications, resumes,
 * usernames), the account itself for `user-<id>` streams, else whoever caused it; null for
 * events about no user (AI model settings, anonymous quota use).
 */
export function subjectUserOf(event: RecordedEvent): number | null {
  const data = event.data as Record<string, unknown> | null;
  if (streamCategory(event.streamId) === 'user' && typeof data?.id === 'number') return data.id;
  if (typeof data?.userId === 'number') return data.userId;
  return event.metadata.userId ?? null;
}
