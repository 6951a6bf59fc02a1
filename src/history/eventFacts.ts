import type { RecordedEvent } from '../eventstore/port.js';

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
