import { AI_PROVIDERS } from '../../domain/aiModel/index.js';
import { API_KEY_NAME_MESSAGE, API_KEY_NAME_PATTERN } from '../../ai/apiKey.js';

/** The body of POST and PATCH /api/admin/ai-models/, in the model's field order. */
export const aiModelBody = {
  type: 'object',
  properties: {
    display_name: { type: 'string', maxLength: 100, description: 'Unique, case-insensitively. Only its case can change later.', examples: ['Gemini Flash'] },
    model_name: { type: 'string', maxLength: 100, description: "The provider's model id; never shown on public endpoints.", examples: ['gemini-2.5-flash'] },
    api_provider: { type: 'string', enum: AI_PROVIDERS },
    api_key_name: {
      type: 'string',
      maxLength: 100,
      'x-allow-blank': true,
      default: '',
      pattern: API_KEY_NAME_PATTERN,
      'x-messages': { pattern: API_KEY_NAME_MESSAGE },
      description: "Environment variable holding the provider's key, named `*_API_KEY` (so no model can be pointed at the server's own secrets); blank only for the offline provider. Never shown on public endpoints.",
      examples: ['GOOGLE_GEMINI_API_KEY'],
    },
    is_active: { type: 'boolean', default: true },
    login_required: { type: 'boolean', default: false },
    daily_limit: {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 2147483647,
      default: null,
      description: 'Generations per user (or anonymous client) per UTC day; null or 0 means unlimited.',
    },
    response_time_info: { type: 'string', maxLength: 50, 'x-allow-blank': true, default: '', examples: ['5-10 seconds'] },
    description: { type: 'string', 'x-allow-blank': true, default: '' },
    created_at: { type: 'string', format: 'date-time', readOnly: true },
    updated_at: { type: 'string', format: 'date-time', readOnly: true },
  },
  required: ['display_name', 'model_name', 'api_provider'],
} as const;
