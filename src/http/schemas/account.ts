import { jobApplication, jobApplicationHistoryEntry, me, resume, resumeHistoryEntry } from './responses.js';

/** GET /api/auth/me/export/: everything the user made, as one JSON document. */
const dateTime = { type: 'string', format: 'date-time' } as const;
const historyOf = (entry: object) => ({ type: 'array', items: entry, description: 'Oldest first.' }) as const;
const object = (properties: Record<string, object>) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false }) as const;

export const personalDataExport = object({
  exported_at: dateTime,
  profile: object({ ...me.properties, is_active: { type: 'boolean' } }),
  resumes: {
    type: 'array',
    description: 'Every resume you keep, with its history from the event log; `source` is `ai` for a generated one.',
    items: object({ ...resume.properties, source: { type: 'string', enum: ['manual', 'ai'] }, ai_model: { type: ['string', 'null'] }, history: historyOf(resumeHistoryEntry) }),
  },
  job_applications: {
    type: 'array',
    description: 'Every job application, soft-deleted ones included, with its timeline.',
    items: object({ ...jobApplication.properties, history: historyOf(jobApplicationHistoryEntry) }),
  },
  ai_generations: {
    type: 'array',
    description: 'Each generation’s quota reservation, and the release of one that failed or was refused.',
    items: {
      type: 'object',
      properties: { at: dateTime, model: { type: 'string' }, event: { type: 'string', enum: ['reserved', 'released'] }, reason: { type: 'string' } },
      required: ['at', 'model', 'event'],
      additionalProperties: false,
    },
  },
  quota_usage: {
    type: 'array',
    description: 'Per UTC day and model: generations counted against the quota, and those given back.',
    items: object({ day: { type: 'string', format: 'date' }, model: { type: 'string' }, used: { type: 'integer', minimum: 0 }, given_back: { type: 'integer', minimum: 0 } }),
  },
});

/** DELETE /api/auth/me/: the password confirms who asks. */
export const erasureBody = {
  type: 'object',
  properties: { password: { type: 'string', writeOnly: true, description: 'Your current password, to confirm.', examples: ['SecurePass123!'] } },
  required: ['password'],
} as const;
