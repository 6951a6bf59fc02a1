import type { Knex } from 'knex';
import { JOB_APPLICATION_STATUSES, type JobApplicationStatus } from '../domain/jobApplication/index.js';

/**
 * GET /api/job-applications/stats/ over the caller's applications that are not soft-deleted.
 * `reached`: how many ever entered that status (created with it or moved to it), and that
 * count over `total` (4 decimals; 0 when there are none). `median_days`: from first entering
 * the earlier status to first entering the later one after it, in days (2 decimals), over
 * the applications that did both; null when none did. Times are the events' `at`.
 */
export interface JobApplicationStats {
  total: number;
  by_status: Record<JobApplicationStatus, number>;
  reached: Record<'Interviewing' | 'Offer', { count: number; rate: number }>;
  median_days: { applied_to_interviewing: number | null; interviewing_to_offer: number | null };
}

/** One moment an application entered a status, in log order. */
export interface StatusEntry {
  applicationId: number;
  status: JobApplicationStatus;
  at: Date;
}

const DAY_MS = 86_400_000;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

export async function jobApplicationStats(db: Knex, userId: number): Promise<JobApplicationStats> {
  const [current, entries] = await Promise.all([currentStatuses(db, userId), statusEntries(db, userId)]);
  return summarize(current, entries);
}

function currentStatuses(db: Knex, userId: number): Promise<{ status: JobApplicationStatus }[]> {
  return db('job_applications').select('status').where({ user_id: userId, is_deleted: false });
}

async function statusEntries(db: Knex, userId: number): Promise<StatusEntry[]> {
  const rows = (await db('job_application_events as e')
    .join('job_applications as a', 'a.id', 'e.application_id')
    .where({ 'a.user_id': userId, 'a.is_deleted': false, 'e.user_id': userId })
    .whereIn('e.type', ['JobApplicationCreated', 'JobApplicationStatusChanged'])
    .select('e.application_id', 'e.at', db.raw(`CASE WHEN e.type = 'JobApplicationCreated' THEN e.changes->>'status' ELSE e.changes->>'to' END AS status`))
    .orderBy('e.application_id')
    .orderByRaw('e.position COLLATE "C"')) as { application_id: number; at: Date; status: JobApplicationStatus }[];
  return rows.map((r) => ({ applicationId: r.application_id, status: r.status, at: r.at }));
}

export function summarize(current: readonly { status: JobApplicationStatus }[], entries: readonly StatusEntry[]): JobApplicationStats {
  const total = current.length;
  const byStatus = Object.fromEntries(JOB_APPLICATION_STATUSES.map((s) => [s, 0])) as Record<JobApplicationStatus, number>;
  for (const { status } of current) byStatus[status]++;
  const timelines = timelinesOf(entries);
  const reached = (status: JobApplicationStatus) => {
    const count = timelines.filter((t) => t.some((e) => e.status === status)).length;
    return { count, rate: total === 0 ? 0 : round(count / total, 4) };
  };
  const medianDays = (from: JobApplicationStatus, to: JobApplicationStatus) =>
    median(timelines.flatMap((t) => daysBetween(t, from, to)));
  return {
    total,
    by_status: byStatus,
    reached: { Interviewing: reached('Interviewing'), Offer: reached('Offer') },
    median_days: { applied_to_interviewing: medianDays('Applied', 'Interviewing'), interviewing_to_offer: medianDays('Interviewing', 'Offer') },
  };
}

function timelinesOf(entries: readonly StatusEntry[]): StatusEntry[][] {
  const byApplication = new Map<number, StatusEntry[]>();
  for (const entry of entries) {
    const timeline = byApplication.get(entry.applicationId);
    if (timeline) timeline.push(entry);
    else byApplication.set(entry.applicationId, [entry]);
  }
  return [...byApplication.values()];
}

function daysBetween(timeline: readonly StatusEntry[], from: JobApplicationStatus, to: JobApplicationStatus): number[] {
  const start = timeline.findIndex((e) => e.status === from);
  if (start === -1) return [];
  const end = timeline.slice(start + 1).find((e) => e.status === to);
  return end ? [(end.at.getTime() - timeline[start]!.at.getTime()) / DAY_MS] : [];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.toSorted((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return round(value, 2);
}
