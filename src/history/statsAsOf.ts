import type { JobApplicationEvent, JobApplicationStatus } from '../domain/jobApplication/index.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { summarize, type JobApplicationStats, type StatusEntry } from '../projections/jobApplicationStats.js';
import { streamCategory } from './eventFacts.js';
import { eventsOfLog } from './logPages.js';
import { addStatusEntry } from './statusTimeline.js';

export interface StatsAsOfOptions {
  /** Only events that happened at or before this moment (their `at`); default: the whole log. */
  asOf?: Date;
  /** One user's applications, examples included as the endpoint would for that user; default: every user's, examples excluded. */
  userId?: number;
  onPage?: (events: number) => void;
}

/** What the replay keeps per application: constant size (see addStatusEntry). */
interface ReplayedApplication {
  status: JobApplicationStatus;
  deleted: boolean;
  timeline: StatusEntry[];
}

/**
 * GET /api/job-applications/stats/ as the log stood at `asOf`: replays the job-application
 * events up to then and hands them to the endpoint's own `summarize`.
 */
export async function jobApplicationStatsAsOf(store: EventStore, { asOf, userId, onPage }: StatsAsOfOptions): Promise<JobApplicationStats> {
  const applications = new Map<number, ReplayedApplication>();
  for await (const recorded of eventsOfLog(store, { onPage })) {
    if (streamCategory(recorded.streamId) !== 'jobApplication') continue;
    const event = recorded as RecordedEvent<JobApplicationEvent>;
    const at = new Date(event.data.at);
    if (asOf && at > asOf) continue;
    if (event.type === 'JobApplicationCreated') {
      const counted = userId === undefined ? !event.data.isExample : event.data.userId === userId;
      if (counted) applications.set(event.data.id, { status: event.data.fields.status, deleted: false, timeline: [{ applicationId: event.data.id, status: event.data.fields.status, at }] });
      continue;
    }
    const application = applications.get(event.data.id);
    if (application) replay(application, event, at);
  }
  const current = [...applications.values()].filter((a) => !a.deleted);
  return summarize(current, current.flatMap((a) => a.timeline));
}

function replay(application: ReplayedApplication, event: JobApplicationEvent, at: Date): void {
  switch (event.type) {
    case 'JobApplicationStatusChanged':
      application.status = event.data.to;
      addStatusEntry(application.timeline, { applicationId: event.data.id, status: event.data.to, at });
      return;
    case 'JobApplicationSoftDeleted':
      application.deleted = true;
      return;
    case 'JobApplicationRestored':
      application.deleted = false;
      return;
    default:
      return;
  }
}
