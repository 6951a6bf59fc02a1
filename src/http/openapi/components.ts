import { generateBody } from '../schemas/ai.js';
import { aiModelBody } from '../schemas/aiModels.js';
import { refreshBody, registerBody, tokenBody } from '../schemas/auth.js';
import { jobApplicationBody } from '../schemas/jobApplications.js';
import * as responses from '../schemas/responses.js';
import { resumeBody } from '../schemas/resumes.js';
import type { ErrorStatus } from '../route.js';

/**
 * Schemas shown under a name in the document. Wherever one of these objects appears (by
 * identity) it becomes a `$ref`; any other schema is written inline.
 */
export const NAMED_SCHEMAS: Readonly<Record<string, object>> = {
  ResumeInput: resumeBody,
  Resume: responses.resume,
  ResumeHistoryEntry: responses.resumeHistoryEntry,
  JobApplicationInput: jobApplicationBody,
  JobApplication: responses.jobApplication,
  JobApplicationHistoryEntry: responses.jobApplicationHistoryEntry,
  JobApplicationStats: responses.jobApplicationStats,
  GenerateInput: generateBody,
  GenerateResult: responses.generateResult,
  Quota: responses.quota,
  ModelQuota: responses.modelQuota,
  PublicAiModel: responses.publicAiModel,
  AiModelInput: aiModelBody,
  AiModel: responses.aiModel,
  RegisterInput: registerBody,
  RegisteredUser: responses.registeredUser,
  TokenInput: tokenBody,
  RefreshInput: refreshBody,
  TokenPair: responses.tokenPair,
  Me: responses.me,
  Error: responses.errorBody,
  Health: responses.health,
  Readiness: responses.readiness,
};

interface ErrorResponse {
  name: string;
  description: string;
  example: Record<string, unknown>;
  headers?: Record<string, string>;
}

const error = (code: string, message: string, extra: Record<string, unknown> = {}) => ({ error: message, code, detail: message, ...extra });

/** Each error status once, with an example of its body (COMPAT.md's texts). */
export const ERROR_RESPONSES: Readonly<Record<ErrorStatus, ErrorResponse>> = {
  400: {
    name: 'BadRequest',
    description: 'Invalid data (`invalid`, with `field_errors`) or a malformed body (`parse_error`).',
    example: error('invalid', 'Invalid input.', { field_errors: { title: ['This field is required.'] } }),
  },
  401: {
    name: 'Unauthorized',
    description: 'Missing or invalid credentials: `not_authenticated`, `token_not_valid`, `no_active_account`, …',
    example: error('not_authenticated', 'Authentication credentials were not provided.'),
    headers: { 'WWW-Authenticate': 'Always `Bearer realm="api"`.' },
  },
  403: { name: 'Forbidden', description: 'Signed in, but not allowed (staff only).', example: error('permission_denied', 'You do not have permission to perform this action.') },
  404: { name: 'NotFound', description: 'No such object, or it is another user’s.', example: error('not_found', 'Not found.') },
  405: { name: 'MethodNotAllowed', description: 'The path exists, the method does not.', example: error('method_not_allowed', 'Method "PUT" not allowed.'), headers: { Allow: 'The methods this path takes.' } },
  409: { name: 'Conflict', description: 'Another request changed the object meanwhile.', example: error('conflict', 'The resource was changed by another request. Reload it and try again.') },
  413: { name: 'PayloadTooLarge', description: 'The body is over the size limit.', example: error('payload_too_large', 'Request body is too large.') },
  415: { name: 'UnsupportedMediaType', description: 'The body is not JSON or form data.', example: error('unsupported_media_type', 'Unsupported media type "text/plain" in request.') },
  429: {
    name: 'TooManyRequests',
    description: 'Throttled (`throttled`) or over an AI model’s daily quota (`quota_exceeded`).',
    example: error('quota_exceeded', 'Daily quota for this AI model reached. It resets at 00:00 UTC.'),
    headers: { 'Retry-After': 'Seconds until a retry can succeed.' },
  },
  500: { name: 'ServerError', description: 'A bug: the body names the request id to look up in the log.', example: error('server_error', 'A server error occurred.', { request_id: '…' }) },
  503: { name: 'ServiceUnavailable', description: 'The AI provider or a dependency is down.', example: error('service_unavailable', 'An error occurred while communicating with the AI service.') },
};
