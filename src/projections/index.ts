import { aiModelsProjection } from './aiModels.js';
import { aiUsageByUserProjection } from './aiUsageByUser.js';
import { aiUsageDailyProjection } from './aiUsageDaily.js';
import { jobApplicationEventsProjection } from './jobApplicationEvents.js';
import { jobApplicationsProjection } from './jobApplications.js';
import { anyProjection, type Projection } from './projection.js';
import { resumesProjection } from './resumes.js';
import { usersProjection } from './users.js';

/** Every read model, in the order they are started and listed. */
export const allProjections: readonly Projection[] = [
  anyProjection(usersProjection),
  anyProjection(resumesProjection),
  anyProjection(jobApplicationsProjection),
  anyProjection(jobApplicationEventsProjection),
  anyProjection(aiModelsProjection),
  anyProjection(aiUsageDailyProjection),
  anyProjection(aiUsageByUserProjection),
];
