/** Request bodies shaped like the original's serializers, for the validation tests. */

export const USERNAME_MESSAGE =
  'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';

export const registerBody = {
  type: 'object',
  properties: {
    username: {
      type: 'string',
      maxLength: 150,
      pattern: '^[\\p{L}\\p{N}_.@+-]+$',
      'x-messages': { pattern: USERNAME_MESSAGE },
    },
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', writeOnly: true },
    password2: { type: 'string', writeOnly: true },
  },
  required: ['username', 'email', 'password', 'password2'],
} as const;

/** `fields='__all__'`: id, the model's own fields in model order, the foreign keys last. */
export const jobApplicationBody = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    job_title: { type: 'string', maxLength: 200 },
    company_name: { type: 'string', maxLength: 200 },
    original_job_description: { type: 'string', 'x-allow-blank': true },
    date_applied: { type: ['string', 'null'], format: 'date' },
    status: { type: 'string', enum: ['Applied', 'Interviewing', 'Offer', 'Rejected'], default: 'Applied' },
    notes: { type: 'string', 'x-allow-blank': true },
    is_deleted: { type: 'boolean', readOnly: true },
    is_example: { type: 'boolean', readOnly: true },
    created_at: { type: 'string', format: 'date-time', readOnly: true },
    updated_at: { type: 'string', format: 'date-time', readOnly: true },
    user: { type: 'integer', readOnly: true },
    resume_used: { type: ['integer', 'null'], 'x-pk': true },
  },
  required: ['job_title', 'company_name'],
} as const;

export const aiModelSettingsBody = {
  type: 'object',
  properties: {
    display_name: { type: 'string', maxLength: 100 },
    api_provider: { type: 'string', enum: ['google_gemini', 'open_router', 'offline'] },
    is_active: { type: 'boolean', default: true },
    login_required: { type: ['boolean', 'null'] },
    daily_limit: { type: ['integer', 'null'], minimum: 0, maximum: 2147483647 },
  },
  required: ['display_name', 'api_provider'],
} as const;

export const generateBody = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    user_input: { type: 'string', minLength: 50, maxLength: 20000 },
    title: { type: 'string', maxLength: 255, default: 'Untitled Resume' },
  },
  required: ['model', 'user_input'],
} as const;
