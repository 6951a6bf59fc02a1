import type { RecordedEvent } from '../eventstore/port.js';
import { eventTime, streamCategory, subjectUserOf } from './eventFacts.js';

/**
 * Which events an export keeps; every given criterion must hold.
 * - `since` (inclusive) and `until` (exclusive) compare the event's time (`metadata.at`, when
 *   the command ran), so the whole log is scanned: times are not guaranteed to follow log order.
 * - `userId`: events about that user (see `subjectUserOf`) or caused by them (`metadata.userId`).
 * - `types`: each is an event type (`JobApplicationStatusChanged`, starts upper case) or a
 *   stream category (`jobApplication`, `resume`, `user`, `username`, `aiModel`, `aiQuota`);
 *   an event matching any of them is kept.
 */
export interface EventFilter {
  since?: Date;
  until?: Date;
  userId?: number;
  types?: readonly string[];
}

const isEventType = (name: string): boolean => /^[A-Z]/.test(name);

export function matchesFilter(event: RecordedEvent, { since, until, userId, types }: EventFilter): boolean {
  if (since || until) {
    const at = eventTime(event).getTime();
    if (since && at < since.getTime()) return false;
    if (until && at >= until.getTime()) return false;
  }
  if (userId !== undefined && subjectUserOf(event) !== userId && event.metadata.userId !== userId) return false;
  if (types && types.length > 0) {
    const category = streamCategory(event.streamId);
    if (!types.some((t) => (isEventType(t) ? t === event.type : t === category))) return false;
  }
  return true;
}
