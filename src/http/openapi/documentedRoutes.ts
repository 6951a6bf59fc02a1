import { accountRouteTable } from '../routes/account.js';
import { adminAiModelRouteTable } from '../routes/adminAiModels.js';
import { adminProjectionRouteTable } from '../routes/adminProjections.js';
import { aiRouteTable } from '../routes/ai.js';
import { apiRootRouteTable } from '../routes/apiRoot.js';
import { authRouteTable } from '../routes/auth.js';
import { exampleRouteTable } from '../routes/examples.js';
import { healthRouteTable } from '../routes/health.js';
import { jobApplicationRouteTable } from '../routes/jobApplications.js';
import { metricsRouteTable } from '../routes/metrics.js';
import { resumeRouteTable } from '../routes/resumes.js';
import type { RouteSpec } from '../route.js';

/** Every route table, in the order the document lists them (the docs routes add their own). */
export const documentedRoutes: readonly RouteSpec[] = [
  ...apiRootRouteTable,
  ...authRouteTable,
  ...accountRouteTable,
  ...resumeRouteTable,
  ...jobApplicationRouteTable,
  ...exampleRouteTable,
  ...aiRouteTable,
  ...adminAiModelRouteTable,
  ...adminProjectionRouteTable,
  ...healthRouteTable,
  ...metricsRouteTable,
];
