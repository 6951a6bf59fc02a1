/**
 * The one error hierarchy. Codes are business vocabulary; the HTTP layer maps each code
 * to a status exactly once (src/http/middleware/errors.ts) and adds its own transport
 * errors (src/http/transportErrors.ts). Only messages written here or there ever reach a client.
 */
export type FieldErrors = Record<string, string[]>;

export type ErrorCode =
  | 'invalid'
  | 'not_authenticated'
  | 'authentication_failed'
  | 'token_not_valid'
  | 'no_active_account'
  | 'bad_authorization_header'
  | 'user_not_found'
  | 'user_inactive'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'throttled'
  | 'quota_exceeded'
  | 'service_unavailable'
  | 'server_error';

export abstract class AppError<Code extends string = ErrorCode> extends Error {
  abstract readonly code: Code;
  /** Extra top-level fields for the error body (e.g. Simple JWT's `messages`). */
  readonly extras: Record<string, unknown> = {};
}

/** The 401 codes: DRF's and Simple JWT's, kept so the original's clients can branch on them. */
export type AuthenticationErrorCode =
  | 'not_authenticated'
  | 'authentication_failed'
  | 'token_not_valid'
  | 'no_active_account'
  | 'bad_authorization_header'
  | 'user_not_found'
  | 'user_inactive';

/** Any 401. `extras` carries Simple JWT's `messages` list where the original sent one. */
export class AuthenticationFailed extends AppError {
  override readonly extras: Record<string, unknown>;
  constructor(
    message: string,
    readonly code: AuthenticationErrorCode = 'authentication_failed',
    extras: Record<string, unknown> = {},
  ) {
    super(message);
    this.extras = extras;
  }
}

export class NotAuthenticated extends AuthenticationFailed {
  constructor() {
    super('Authentication credentials were not provided.', 'not_authenticated');
  }
}

export class ValidationFailed extends AppError {
  readonly code = 'invalid';
  constructor(readonly fieldErrors: FieldErrors, message = 'Invalid input.') {
    super(message);
  }
}

export class NotFound extends AppError {
  readonly code = 'not_found';
  constructor(message = 'Not found.') {
    super(message);
  }
}

export class Conflict extends AppError {
  readonly code = 'conflict';
  constructor(message = 'The resource was changed by another request. Reload it and try again.') {
    super(message);
  }
}

export class PermissionDenied extends AppError {
  readonly code = 'permission_denied';
  constructor(message = 'You do not have permission to perform this action.') {
    super(message);
  }
}

export class ServiceUnavailable extends AppError {
  readonly code = 'service_unavailable';
  constructor(message: string, readonly retryAfterS?: number) {
    super(message);
  }
}

export class Throttled extends AppError {
  readonly code = 'throttled';
  constructor(readonly retryAfterS: number) {
    super(`Request was throttled. Expected available in ${retryAfterS} second${retryAfterS === 1 ? '' : 's'}.`);
  }
}

export class QuotaExceeded extends AppError {
  readonly code = 'quota_exceeded';
  constructor(readonly retryAfterS: number, message = 'Daily quota for this AI model reached. It resets at 00:00 UTC.') {
    super(message);
  }
}

export class PayloadTooLarge extends AppError {
  readonly code = 'payload_too_large';
  constructor(message = 'Request body is too large.') {
    super(message);
  }
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
