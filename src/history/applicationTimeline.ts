import { assertNever } from '../domain/errors.js';
import {
  jobApplicationStream,
  type JobApplicationEvent,
  type JobApplicationStatus,
} from '../domain/jobApplication/index.js';
import { oneEntryPerChange } from '../domain/jobApplication/historyEntries.js';
import type { EventStore } from '../eventstore/port.js';

/** One event of an application, as analysts read it. */
export interface TimelineEntry {
  revision: number;
  position: string;
  at: string;
  type: JobApplicationEvent['type'];
  /** Set on the events that move the status: creation (from null) and status changes. */
  status: { from: JobApplicationStatus | null; to: JobApplicationStatus } | null;
  /** The fields the event set, in API names. */
  changes: Record<string, unknown>;
}

export interface ApplicationTimeline {
  applicationId: number;
  userId: number;
  entries: TimelineEntry[];
}

/** The application's stream, oldest first, from the log itself, a status move once; undefined when there is no such application. */
export async function applicationTimeline(store: EventStore, applicationId: number): Promise<ApplicationTimeline | undefined> {
  const events = await store.readStream<JobApplicationEvent>(jobApplicationStream(applicationId));
  if (events.length === 0) return undefined;
  return {
    applicationId,
    userId: events[0]!.data.userId,
    entries: oneEntryPerChange(
      events.map((e) => ({
        revision: Number(e.revision),
        position: e.position,
        at: e.data.at,
        type: e.type,
        ...statusAndChanges(e),
      })),
    ),
  };
}

function statusAndChanges(event: JobApplicationEvent): Pick<TimelineEntry, 'status' | 'changes'> {
  switch (event.type) {
    case 'JobApplicationCreated':
      return { status: { from: null, to: event.data.fields.status }, changes: { ...event.data.fields, is_example: event.data.isExample } };
    case 'JobApplicationUpdated':
      return { status: null, changes: event.data.changes };
    case 'JobApplicationStatusChanged':
      return { status: { from: event.data.from, to: event.data.to }, changes: { status: event.data.to } };
    case 'JobApplicationSoftDeleted':
      return { status: null, changes: { is_deleted: true } };
    case 'JobApplicationRestored':
      return { status: null, changes: { is_deleted: false } };
    default:
      return assertNever(event);
  }
}
