import { AppError } from '../domain/errors.js';

/** Refusals that concern the HTTP exchange itself, not the business: the domain never raises them. */
export type TransportErrorCode = 'parse_error' | 'method_not_allowed' | 'unsupported_media_type';

/** The request body is not valid JSON (or form data); the message names the reason. */
export class ParseError extends AppError<TransportErrorCode> {
  readonly code = 'parse_error';
  constructor(message: string) {
    super(message);
  }
}

export class UnsupportedMediaType extends AppError<TransportErrorCode> {
  readonly code = 'unsupported_media_type';
  constructor(contentType: string) {
    super(`Unsupported media type "${contentType}" in request.`);
  }
}

export class MethodNotAllowed extends AppError<TransportErrorCode> {
  readonly code = 'method_not_allowed';
  constructor(
    method: string,
    readonly allowed: readonly string[],
  ) {
    super(`Method "${method.toUpperCase()}" not allowed.`);
  }
}
