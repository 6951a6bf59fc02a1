import { JOB_APPLICATION_STATUSES } from '../../domain/jobApplication/index.js';
import { aiModelBody } from './aiModels.js';
import { jobApplicationBody } from './jobApplications.js';
import { resumeBody } from './resumes.js';

/**
 * What the API answers, as JSON Schemas: the OpenAPI document shows them and the tests
 * validate real responses against them. A resource reuses its request schema's properties,
 * so a field's type and length are written once.
 */

/** Every property present, nothing else: what a view object always sends. */
const everyField = <const P extends Record<string, object>>(properties: P) =>
  ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false }) as const;

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableCount = { type: ['integer', 'null'], minimum: 0 } as const;

export const resume = {
  ...everyField(resumeBody.properties),
  examples: [
    {
      id: 1,
      user: 'john_doe',
      title: 'Software Engineer Resume',
      content: '# John Doe\n\n## Experience\n...',
      created_at: '2023-01-15T10:30:00Z',
      updated_at: '2023-01-16T14:20:00Z',
    },
  ],
} as const;

export const jobApplication = {
  ...everyField(jobApplicationBody.properties),
  examples: [
    {
      id: 1,
      user: 1,
      job_title: 'Senior Software Engineer',
      company_name: 'TechCorp Inc.',
      original_job_description: 'We are looking for a senior software engineer...',
      resume_used: 1,
      date_applied: '2023-01-15',
      status: 'Interviewing',
      notes: 'Had initial phone screening, technical interview scheduled for next week',
      is_deleted: false,
      is_example: false,
      created_at: '2023-01-15T10:30:00Z',
      updated_at: '2023-01-20T16:45:00Z',
    },
  ],
} as const;

/** `?limit=&offset=` turns a list into DRF's page. */
export const pageOf = (item: object) =>
  ({
    type: 'object',
    properties: {
      count: { type: 'integer', minimum: 0 },
      next: { type: ['string', 'null'], format: 'uri', description: 'Absolute URL of the next page.' },
      previous: { type: ['string', 'null'], format: 'uri', description: 'Absolute URL of the previous page.' },
      results: { type: 'array', items: item },
    },
    required: ['count', 'next', 'previous', 'results'],
    additionalProperties: false,
  }) as const;

/** A plain array without paging parameters (the original's clients expect it), a page with them. */
export const listOf = (item: object) => ({ oneOf: [{ type: 'array', items: item }, pageOf(item)] }) as const;

export const resumeHistoryEntry = {
  type: 'object',
  properties: {
    revision: { type: 'integer', minimum: 0, description: 'The event’s place in the resume’s stream, from 0.' },
    type: { type: 'string', enum: ['ResumeCreated', 'ResumeUpdated', 'ResumeDeleted'] },
    at: dateTime,
    changes: { type: 'object', description: 'The fields the event set, in API names.' },
  },
  required: ['revision', 'type', 'at', 'changes'],
  additionalProperties: false,
} as const;

export const jobApplicationHistoryEntry = {
  type: 'object',
  properties: {
    position: { type: 'string', description: 'The event’s global log position; sorts bytewise.' },
    type: {
      type: 'string',
      enum: ['JobApplicationCreated', 'JobApplicationUpdated', 'JobApplicationStatusChanged', 'JobApplicationSoftDeleted', 'JobApplicationRestored'],
    },
    at: dateTime,
    changes: { type: 'object', description: 'What the event changed; a status change is `{from, to}`.' },
  },
  required: ['position', 'type', 'at', 'changes'],
  additionalProperties: false,
} as const;

const reachedStatus = everyField({ count: { type: 'integer', minimum: 0 }, rate: { type: 'number', minimum: 0, maximum: 1 } });
const medianDays = { type: ['number', 'null'], minimum: 0 } as const;

export const jobApplicationStats = everyField({
  total: { type: 'integer', minimum: 0 },
  by_status: everyField(Object.fromEntries(JOB_APPLICATION_STATUSES.map((s) => [s, { type: 'integer', minimum: 0 }]))),
  reached: everyField({ Interviewing: reachedStatus, Offer: reachedStatus }),
  median_days: everyField({ applied_to_interviewing: medianDays, interviewing_to_offer: medianDays }),
});

/** `{cache_status, data}`, with the `X-Cache-Status` header saying the same. */
export const cachedListOf = (item: object) =>
  everyField({
    cache_status: { type: 'string', pattern: '^(HIT|MISS|BYPASS) \\(', examples: ['HIT (Response from Redis cache)'] },
    data: { type: 'array', items: item },
  });

const { display_name, description, response_time_info, login_required, daily_limit } = aiModelBody.properties;
export const publicAiModel = {
  ...everyField({ display_name, description, response_time_info, login_required, daily_limit }),
  examples: [{ display_name: 'Deepseek', description: 'Advanced AI model for professional resume generation', response_time_info: 'Fast', login_required: false, daily_limit: 10 }],
} as const;

export const aiModel = everyField(aiModelBody.properties);

const quotaFields = {
  daily_limit: { ...nullableCount, description: 'null or 0: unlimited.' },
  used_today: { type: 'integer', minimum: 0 },
  remaining_today: { ...nullableCount, description: 'null when unlimited.' },
  resets_at: { ...dateTime, description: 'Next 00:00 UTC.' },
} as const;

export const quota = everyField(quotaFields);

export const modelQuota = everyField({ model: { type: 'string', description: 'The model’s display name.' }, ...quotaFields });

export const generateResult = {
  ...everyField({
    resume_id: { type: ['integer', 'null'], description: 'The saved resume; null for anonymous callers and off-topic refusals.' },
    content: { type: 'string', description: 'Markdown.' },
    model: { type: 'string' },
    title: { type: 'string' },
    quota,
  }),
  examples: [
    {
      resume_id: 15,
      content: '# John Doe\n\n## Professional Summary\nExperienced Software Engineer with 5+ years of expertise in Python, Django, and React...',
      model: 'Deepseek',
      title: 'Senior Software Engineer Resume',
      quota: { daily_limit: 10, used_today: 1, remaining_today: 9, resets_at: '2023-01-16T00:00:00.000Z' },
    },
  ],
} as const;

const jwt = { type: 'string', examples: ['eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9...'] } as const;
export const tokenPair = everyField({ access: jwt, refresh: jwt });

export const registeredUser = {
  ...everyField({ id: { type: 'integer' }, username: { type: 'string' }, email: { type: 'string', format: 'email' } }),
  examples: [{ id: 1, username: 'john_doe', email: 'john@example.com' }],
} as const;

export const me = everyField({
  id: { type: 'integer' },
  username: { type: 'string' },
  email: { type: 'string' },
  is_staff: { type: 'boolean' },
  date_joined: dateTime,
});

export const emptyObject = { type: 'object', additionalProperties: false } as const;

/** API.md's one error shape. Some errors add fields: `messages` (token errors), `checks` (/readyz), `request_id` (500). */
export const errorBody = {
  type: 'object',
  properties: {
    error: { type: 'string', description: 'Human-readable message.' },
    code: { type: 'string', description: 'Machine-readable code, e.g. `invalid`, `not_found`, `quota_exceeded`.' },
    detail: { type: 'string', description: 'The same text as `error`, for clients of the original.' },
    field_errors: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      description: 'Only on validation errors (400 `invalid`): messages per field; `non_field_errors` for cross-field problems.',
    },
  },
  required: ['error', 'code', 'detail'],
} as const;

export const health = everyField({ status: { const: 'ok' } });

export const readiness = everyField({
  status: { const: 'ready' },
  checks: { type: 'object', additionalProperties: { type: 'string' }, description: 'Each dependency: "ok" or "down: <reason>".' },
});
