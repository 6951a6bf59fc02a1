import { JOB_APPLICATION_STATUSES } from '../../domain/jobApplication/index.js';

/** Ours (the original's TextFields had none): they bound what one list or history entry holds (see RESUME_CONTENT_MAX_LENGTH). */
export const JOB_DESCRIPTION_MAX_LENGTH = 20_000;
export const NOTES_MAX_LENGTH = 10_000;

/**
 * The body of POST, PUT and PATCH /api/job-applications/: the original's `fields='__all__'`
 * serializer, so errors come in its order (id, the model's own fields, the foreign keys last).
 */
export const jobApplicationBody = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    job_title: { type: 'string', maxLength: 200, examples: ['Senior Software Engineer'] },
    company_name: { type: 'string', maxLength: 200, examples: ['TechCorp Inc.'] },
    original_job_description: { type: 'string', maxLength: JOB_DESCRIPTION_MAX_LENGTH, 'x-allow-blank': true },
    date_applied: { type: ['string', 'null'], format: 'date', examples: ['2023-01-15'] },
    status: { type: 'string', enum: JOB_APPLICATION_STATUSES, default: 'Applied' },
    notes: { type: 'string', maxLength: NOTES_MAX_LENGTH, 'x-allow-blank': true },
    is_deleted: { type: 'boolean', readOnly: true },
    is_example: { type: 'boolean', readOnly: true },
    created_at: { type: 'string', format: 'date-time', readOnly: true },
    updated_at: { type: 'string', format: 'date-time', readOnly: true },
    user: { type: 'integer', readOnly: true },
    resume_used: { type: ['integer', 'null'], 'x-pk': true, description: 'Id of one of your own resumes.' },
  },
  required: ['job_title', 'company_name'],
} as const;
