import { newJobApplicationFields, type JobApplicationFields, type NewJobApplicationFields } from '../domain/jobApplication/index.js';

export const EXAMPLE_USERNAME = 'example';
/** Django's marker for an unusable password: no bcrypt hash starts with `!`, so no login ever matches. */
export const UNUSABLE_PASSWORD = '!';
export const EXAMPLE_USER = { username: EXAMPLE_USERNAME, email: 'example@example.com', passwordHash: UNUSABLE_PASSWORD, isStaff: false };

const EXAMPLES_AS_WRITTEN = [
  {
    job_title: 'Senior Software Engineer',
    company_name: 'TechCorp Inc.',
    original_job_description: 'We are looking for a senior engineer to design and build scalable backend services in TypeScript and PostgreSQL, mentor others and own features end to end.',
    resume_used: null,
    date_applied: '2024-11-04',
    status: 'Interviewing',
    notes: 'Phone screen went well; technical interview with the platform team next Tuesday.',
  },
  {
    job_title: 'Frontend Developer',
    company_name: 'Brightline Studios',
    original_job_description: 'Build accessible, fast React interfaces for our design tools together with product designers.',
    resume_used: null,
    date_applied: '2024-12-02',
    status: 'Applied',
    notes: 'Applied through the careers page with a portfolio link.',
  },
  {
    job_title: 'Data Analyst',
    company_name: 'Northwind Analytics',
    original_job_description: 'Turn sales and operations data into dashboards and recommendations. SQL and Python required.',
    resume_used: null,
    date_applied: '2024-10-14',
    status: 'Offer',
    notes: 'Offer received; salary negotiation call on Friday.',
  },
  {
    job_title: 'DevOps Engineer',
    company_name: 'CloudNest',
    original_job_description: 'Run our Kubernetes platform, CI/CD pipelines and observability stack across two clouds.',
    resume_used: null,
    date_applied: '2024-09-23',
    status: 'Rejected',
    notes: 'They went with a candidate with more Terraform experience; asked for feedback.',
  },
  {
    job_title: 'Product Manager',
    company_name: 'Greenleaf Health',
    original_job_description: 'Lead the roadmap of our patient scheduling app, working with engineering, design and clinicians.',
    resume_used: null,
    date_applied: null,
    status: 'Applied',
    notes: 'Referral from a former colleague; waiting to hear back.',
  },
] satisfies NewJobApplicationFields[];

/** Every field not written above (one added later) has its default. */
export const EXAMPLE_APPLICATIONS: readonly JobApplicationFields[] = EXAMPLES_AS_WRITTEN.map((given) => newJobApplicationFields(given));
