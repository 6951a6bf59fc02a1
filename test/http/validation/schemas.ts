/**
 * Not a production schema: one field of each kind whose coercion DRF defines (a nullable
 * boolean, a bounded nullable integer, a choice), for the coercion rules themselves. Every
 * production request schema is tested as it is, here (register, job application, generate)
 * and through the HTTP tests.
 */
export const coercionFieldsBody = {
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
