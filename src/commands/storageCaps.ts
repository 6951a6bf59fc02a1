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
 * What one user may keep, counted in the read model. One user's additions run one at a
 * time in this process, and each returns only once the read model shows it (read-your-writes),
 * so the next one counts it: the cap is exact per process. With N API processes a burst
 * can pass it by at most N − 1 (and by one more per add that answered 503 on its wait).
 */
export function storageCaps(db: Knex, limits: StorageLimits): StorageCaps {
  return {
    resumes: withinCap((userId) => countResumes(db, userId), limits.resumesPerUser, 'resumes'),
    jobApplications: withinCap((userId) => countJobApplications(db, userId), limits.jobApplicationsPerUser, 'job applications'),
  };
}

function withinCap(count: (userId: number) => Promise<number>, limit: number, things: string): WithinCap {
  const oneAtATime = perKeySerial<number>();
  return (userId, add) =>
    oneAtATime(userId, async () => {
      if ((await count(userId)) >= limit) throw capReached(limit, things);
      return add();
    });
}

/** DRF's answer to a serializer-wide rule (`validate()` raising ValidationError): 400, `non_field_errors`. */
function capReached(limit: number, things: string): ValidationFailed {
  const message = `You can keep at most ${limit} ${things}. Delete one to add another.`;
  return new ValidationFailed({ non_field_errors: [message] }, message);
}
