import type { Knex } from 'knex';
import type { StorageLimits } from '../config.js';
import { ValidationFailed } from '../domain/errors.js';
import { countJobApplications } from '../projections/jobApplications.js';
import { countResumes } from '../projections/resumes.js';
import { perKeySerial } from './perKeySerial.js';

/** Runs `add` (a create, or a restore) only while the user keeps fewer than the limit. */
export type WithinCap = <T>(userId: number, add: () => Promise<T>) => Promise<T>;

export interface StorageCaps {
  resumes: WithinCap;
  jobApplications: WithinCap;
}

/**
 * What one user may keep, counted in the read model (one row per user, kept by the read
 * model beside its rows). Near the cap one user's additions run one at a time in this
 * process, and each returns only once the read model shows it (read-your-writes), so the next
 * one counts it: the cap is exact per process. With N API processes a burst can pass it by
 * at most N − 1 (and by one more per add that answered 503 on its wait).
 */
export function storageCaps(db: Knex, limits: StorageLimits): StorageCaps {
  return {
    resumes: withinCap((userId) => countResumes(db, userId), limits.resumesPerUser, 'resumes'),
    jobApplications: withinCap((userId) => countJobApplications(db, userId), limits.jobApplicationsPerUser, 'job applications'),
  };
}

/**
 * Within this many of the cap, a user's additions queue one behind the other; further from it
 * they run side by side, at most this many at once unqueued, so even if all of them land the
 * user stays under the cap (a tracker adding many at once pays nothing for a cap far away).
 */
const NEAR_THE_CAP = 64;

function withinCap(count: (userId: number) => Promise<number>, limit: number, things: string): WithinCap {
  const oneAtATime = perKeySerial<number>();
  const unqueued = new Map<number, number>();
  const sideBySide = async <T>(userId: number, add: () => Promise<T>): Promise<T> => {
    unqueued.set(userId, (unqueued.get(userId) ?? 0) + 1);
    try {
      return await add();
    } finally {
      const left = (unqueued.get(userId) ?? 1) - 1;
      if (left === 0) unqueued.delete(userId);
      else unqueued.set(userId, left);
    }
  };
  return async (userId, add) => {
    const used = await count(userId);
    if (used < limit - NEAR_THE_CAP && (unqueued.get(userId) ?? 0) < NEAR_THE_CAP) return sideBySide(userId, add);
    return oneAtATime(userId, async () => {
      // Unqueued additions still in flight may not show in the count yet: count them too.
      if ((await count(userId)) + (unqueued.get(userId) ?? 0) >= limit) throw capReached(limit, things);
      return add();
    });
  };
}

/** DRF's answer to a serializer-wide rule (`validate()` raising ValidationError): 400, `non_field_errors`. */
function capReached(limit: number, things: string): ValidationFailed {
  const message = `You can keep at most ${limit} ${things}. Delete one to add another.`;
  return new ValidationFailed({ non_field_errors: [message] }, message);
}
