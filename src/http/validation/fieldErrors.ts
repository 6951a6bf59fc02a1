import type { ErrorObject } from 'ajv';
import { ValidationFailed, assertNever, type FieldErrors } from '../../domain/errors.js';
import { MAX_INTEGER_STRING_LENGTH } from './coerce.js';
import { fieldsOf, type Field } from './fields.js';
import * as say from './messages.js';
import { pythonStr, pythonTypeName } from './python.js';
import type { MessageKey, ObjectSchema } from './schema.js';

/**
 * ajv's errors for `data` (the coerced body) in DRF's shape and words. Keys follow the
 * schema's `properties` order. A field reports only its first built-in failure (required,
 * null, type, blank); past those, every failing validator reports, in DRF's order.
 */
export function toFieldErrors(ajvErrors: readonly ErrorObject[], schema: ObjectSchema, data: Readonly<Record<string, unknown>>): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const field of fieldsOf(schema)) {
    const errors = ajvErrors.filter((error) => fieldNameOf(error) === field.name);
    const messages = messagesFor(field, errors, data[field.name]);
    if (messages.length > 0) fieldErrors[field.name] = messages;
  }
  return fieldErrors;
}

/** The body itself must be a JSON object; anything else is a `non_field_errors` failure. */
export function assertDictionary(body: unknown): asserts body is Readonly<Record<string, unknown>> {
  if (body === null || body === undefined) throw new ValidationFailed({ non_field_errors: [say.NO_DATA] });
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailed({ non_field_errors: [say.notADictionary(pythonTypeName(body))] });
  }
}

function messagesFor(field: Field, errors: readonly ErrorObject[], value: unknown): string[] {
  const failed = (keyword: string) => errors.some((error) => error.keyword === keyword);
  if (failed('required')) return [wording(field, 'required', say.REQUIRED)];
  // For a date, a failed format is the type failure ("Date has wrong format."), not a validator.
  const invalidKeys: readonly MessageKey[] = field.kind === 'date' ? ['type', 'format'] : ['type', 'enum'];
  const invalidKey = invalidKeys.find(failed);
  if (invalidKey && value === null) return [wording(field, 'null', say.NULL)];
  if (invalidKey) return [wording(field, invalidKey, invalidValue(field, value))];
  if (field.kind === 'string' && value === '' && field.schema['x-allow-blank'] !== true) {
    return [wording(field, 'blank', say.BLANK)];
  }
  // DRF's order: the model's validators (pattern), CharField's own (lengths, then forbidden
  // characters), then EmailField's, then IntegerField's (max before min).
  return [
    ...validatorMessages(field, errors, ['pattern', 'maxLength', 'minLength']),
    ...(field.kind === 'string' && typeof value === 'string' ? forbiddenCharacters(value) : []),
    ...validatorMessages(field, errors, ['format', 'maximum', 'minimum']),
  ];
}

function invalidValue(field: Field, value: unknown): string {
  switch (field.kind) {
    case 'string':
      return say.NOT_A_STRING;
    case 'integer':
      return typeof value === 'string' && [...value].length > MAX_INTEGER_STRING_LENGTH ? say.STRING_TOO_LARGE : say.NOT_AN_INTEGER;
    case 'boolean':
      return say.NOT_A_BOOLEAN;
    case 'date':
      return say.DATE_FORMAT;
    case 'choice':
      return say.invalidChoice(pythonStr(value));
    case 'pk':
      return say.incorrectPkType(pythonTypeName(value));
    default:
      return assertNever(field.kind);
  }
}

type ValidatorKeyword = 'pattern' | 'maxLength' | 'minLength' | 'format' | 'maximum' | 'minimum';

function validatorMessages(field: Field, errors: readonly ErrorObject[], keywords: readonly ValidatorKeyword[]): string[] {
  return keywords.flatMap((keyword) => {
    const error = errors.find((candidate) => candidate.keyword === keyword);
    if (!error) return [];
    const limit: unknown = error.params.limit;
    return [wording(field, keyword, validatorMessage(keyword, limit))];
  });
}

function validatorMessage(keyword: ValidatorKeyword, limit: unknown): string {
  switch (keyword) {
    case 'pattern':
      return say.PATTERN_MISMATCH;
    case 'maxLength':
      return say.maxLength(limit);
    case 'minLength':
      return say.minLength(limit);
    case 'format':
      return say.INVALID_EMAIL; // the only string format a field may carry (see fields.ts)
    case 'maximum':
      return say.maxValue(limit);
    case 'minimum':
      return say.minValue(limit);
    default:
      return assertNever(keyword);
  }
}

/** CharField always adds Django's null-character and DRF's surrogate validators. */
function forbiddenCharacters(text: string): string[] {
  const messages = text.includes('\u0000') ? [say.NULL_CHARACTERS] : [];
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return [...messages, say.surrogateCharacter(codePoint)];
  }
  return messages;
}

function wording(field: Field, key: MessageKey, fallback: string): string {
  return field.schema['x-messages']?.[key] ?? fallback;
}

function fieldNameOf(error: ErrorObject): string | undefined {
  if (error.keyword === 'required') {
    const missing: unknown = error.params.missingProperty;
    return typeof missing === 'string' ? missing : undefined;
  }
  return error.instancePath.slice(1).replaceAll('~1', '/').replaceAll('~0', '~');
}
