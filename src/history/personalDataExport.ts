import type { Knex } from 'knex';
import { aiQuotaStream, type AiQuotaEvent } from '../domain/aiQuota/index.js';
import { utcDay } from '../domain/aiQuota/day.js';
import { usageDaysPage } from '../projections/aiUsageByUser.js';
import { NotAuthenticated } from '../domain/errors.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { jobApplicationHistory, type JobApplicationHistoryEntry } from '../projections/jobApplicationEvents.js';
import { ownJobApplicationsPage, type JobApplicationView } from '../projections/jobApplications.js';
import { ownResumesPage, type OwnResume } from '../projections/resumes.js';
import { findUserById } from '../projections/users.js';
import { principalFor } from '../auth/principal.js';
import type { Clock } from '../commands/deps.js';
import { readResumeHistory, resumeHistoryEntry, type ResumeHistoryEntry } from './resumeHistory.js';

/** Rows or events read per query: what an export holds at a time, however much its owner has. */
export const EXPORT_PAGE_SIZE = 10;

/**
 * Everything one user made, as a tree whose long parts are async iterables of pages: nothing
 * is read until the serializer reaches it, one page at a time (GDPR article 20's "portable
 * copy", with memory that stays flat). Resumes deleted for good are not in it: no read model
 * remembers them per owner.
 */
export interface PersonalDataExport {
  exported_at: string;
  profile: { id: number; username: string; email: string; is_staff: boolean; is_active: boolean; date_joined: string };
  resumes: AsyncIterable<(OwnResume & { history: AsyncIterable<ResumeHistoryEntry[]> })[]>;
  job_applications: AsyncIterable<(JobApplicationView & { history: AsyncIterable<JobApplicationHistoryEntry[]> })[]>;
  /** Each generation's quota reservation and, for one that failed or was refused, its release. */
  ai_generations: AsyncIterable<AiGenerationEntry[]>;
  /** Per UTC day and model, generations that counted against the quota. */
  quota_usage: AsyncIterable<QuotaUse[]>;
}


export interface AiGenerationEntry {
  at: string;
  model: string;
  event: 'reserved' | 'released';
  reason?: string;
}

export interface QuotaUse {
  day: string;
  model: string;
  used: number;
  given_back: number;
}

export interface ExportDeps {
  db: Knex;
  store: EventStore;
  clock: Clock;
}

export async function exportPersonalData({ db, store, clock }: ExportDeps, userId: number): Promise<PersonalDataExport> {
  const user = await findUserById(db, userId);
  if (!user) throw new NotAuthenticated();
  const days = (): AsyncIterable<string> => generationDays(db, userId, utcDay(clock.now().toISOString()));
  const principal = principalFor(user, ''); // a signed-in user's, whatever the address
  return {
    exported_at: clock.now().toISOString(),
    profile: { id: user.id, username: user.username, email: user.email, is_staff: user.isStaff, is_active: user.isActive, date_joined: user.dateJoined },
    resumes: mapPages(
      pagesAfterId((after) => ownResumesPage(db, userId, after, EXPORT_PAGE_SIZE)),
      (resume) => ({ ...resume, history: resumeHistory(store, userId, resume.id) }),
    ),
    job_applications: mapPages(
      pagesAfterId((after) => ownJobApplicationsPage(db, userId, after, EXPORT_PAGE_SIZE)),
      (application) => ({ ...application, history: applicationHistory(db, userId, application.id) }),
    ),
    ai_generations: aiGenerations(store, principal, days),
    quota_usage: quotaUsage(store, principal, days),
  };
}

async function* pagesAfterId<T extends { id: number }>(readPage: (afterId: number) => Promise<T[]>): AsyncGenerator<T[]> {
  for (let after = 0; ; ) {
    const page = await readPage(after);
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE_SIZE) return;
    after = page[page.length - 1]!.id;
  }
}

async function* mapPages<A, B>(pages: AsyncIterable<A[]>, map: (item: A) => B): AsyncGenerator<B[]> {
  for await (const page of pages) yield page.map(map);
}

async function* resumeHistory(store: EventStore, userId: number, id: number): AsyncGenerator<ResumeHistoryEntry[]> {
  for await (const chunk of await readResumeHistory(store, { id, userId })) yield chunk.map(resumeHistoryEntry);
}

async function* applicationHistory(db: Knex, userId: number, id: number): AsyncGenerator<JobApplicationHistoryEntry[]> {
  const history = await jobApplicationHistory(db, userId, id);
  if (history) yield* history;
}


/**
 * The UTC days the user generated on, oldest first, a page at a time from ai_usage_by_user;
 * today always (a generation of the last moments may not be projected yet).
 */
async function* generationDays(db: Knex, userId: number, today: string): AsyncGenerator<string> {
  let after: string | undefined;
  for (;;) {
    const page = await usageDaysPage(db, userId, after, EXPORT_PAGE_SIZE);
    for (const day of page) if (day < today) yield day;
    if (page.length < EXPORT_PAGE_SIZE) break;
    after = page[page.length - 1];
  }
  yield today;
}

/** The quota stream of each of `days`, each read a page at a time. */
async function* quotaEventPages(store: EventStore, principal: string, days: AsyncIterable<string>): AsyncGenerator<{ day: string; events: RecordedEvent<AiQuotaEvent>[] }> {
  for await (const day of days) {
    for (let from = 0n; ; from += BigInt(EXPORT_PAGE_SIZE)) {
      const events = await store.readStream<AiQuotaEvent>(aiQuotaStream(principal, day), { fromRevision: from, maxCount: EXPORT_PAGE_SIZE });
      if (events.length > 0) yield { day, events };
      if (events.length < EXPORT_PAGE_SIZE) break;
    }
  }
}

async function* aiGenerations(store: EventStore, principal: string, days: () => AsyncIterable<string>): AsyncGenerator<AiGenerationEntry[]> {
  for await (const { events } of quotaEventPages(store, principal, days())) {
    yield events.map(({ type, data }) =>
      type === 'AiQuotaReserved' ? { at: data.at, model: data.model, event: 'reserved' } : { at: data.at, model: data.model, event: 'released', reason: data.reason },
    );
  }
}

/** Counts per model, one day at a time: what it holds is one day's models. */
async function* quotaUsage(store: EventStore, principal: string, days: () => AsyncIterable<string>): AsyncGenerator<QuotaUse[]> {
  let day: string | undefined;
  let counts = new Map<string, QuotaUse>();
  const flush = () => [...counts.values()].map((c) => ({ ...c, used: c.used - c.given_back }));
  for await (const page of quotaEventPages(store, principal, days())) {
    if (page.day !== day && counts.size > 0) yield flush();
    if (page.day !== day) counts = new Map();
    day = page.day;
    for (const { type, data } of page.events) {
      const count = counts.get(data.model) ?? { day: page.day, model: data.model, used: 0, given_back: 0 };
      if (type === 'AiQuotaReserved') count.used++;
      else count.given_back++;
      counts.set(data.model, count);
    }
  }
  if (counts.size > 0) yield flush();
}
