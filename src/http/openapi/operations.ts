import { adminAiModelOperations } from '../routes/adminAiModels.js';
import { adminProjectionOperations } from '../routes/adminProjections.js';
import { aiOperations } from '../routes/ai.js';
import { apiRootOperations } from '../routes/apiRoot.js';
import { authOperations } from '../routes/auth.js';
import { erasureOperations } from '../routes/account.js';
import { exampleOperations } from '../routes/examples.js';
import { healthOperations } from '../routes/health.js';
import { jobApplicationOperations } from '../routes/jobApplications.js';
import { metricsOperations } from '../routes/metrics.js';
import { resumeOperations } from '../routes/resumes.js';
import type { OperationSpec } from './operation.js';

/** Every route's description, in the order the document lists them (the docs routes add their own). */
export const documentedOperations: readonly OperationSpec[] = [
  ...apiRootOperations,
  ...authOperations,
  ...erasureOperations,
  ...resumeOperations,
  ...jobApplicationOperations,
  ...exampleOperations,
  ...aiOperations,
  ...adminAiModelOperations,
  ...adminProjectionOperations,
  ...healthOperations,
  ...metricsOperations,
];
