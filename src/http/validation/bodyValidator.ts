import { ValidationFailed } from '../../domain/errors.js';
import { ajv } from './ajv.js';
import { toInternalValue } from './coerce.js';
import { assertDictionary, toFieldErrors } from './fieldErrors.js';
import { fieldsOf } from './fields.js';
import type { BodyOf, ObjectSchema } from './schema.js';

export interface BodyValidator<S extends ObjectSchema> {
  /** The schema as declared, for the OpenAPI document. */
  readonly schema: S;
  /**
   * POST and PUT: every rule applies. Throws `ValidationFailed`. Like DRF's `validated_data`,
   * an omitted optional field stays absent, its schema `default` included: a PUT must not
   * reset it, so a create applies the default itself.
   */
  parse(body: unknown): BodyOf<S>;
  /** PATCH: the same rules for the fields sent; nothing is required. */
  parsePartial(body: unknown): Partial<BodyOf<S>>;
}

/**
 * Validates a request body the way the original's DRF serializer did. The result holds only
 * the schema's writable properties, trimmed and coerced; unknown and read-only keys are dropped.
 * Call at module load: an unsupported schema throws here rather than on a request.
 */
export function bodyValidator<const S extends ObjectSchema>(schema: S): BodyValidator<S> {
  const fields = fieldsOf(schema);
  const validate = ajv.compile(schema);

  const run = (body: unknown, partial: boolean): Record<string, unknown> => {
    assertDictionary(body);
    const values: Record<string, unknown> = {};
    for (const field of fields) {
      if (Object.hasOwn(body, field.name)) values[field.name] = toInternalValue(field, body[field.name]);
    }
    validate(values);
    const errors = (validate.errors ?? []).filter((error) => !(partial && error.keyword === 'required'));
    const fieldErrors = toFieldErrors(errors, schema, values);
    if (Object.keys(fieldErrors).length > 0) throw new ValidationFailed(fieldErrors);
    return values;
  };

  return {
    schema,
    parse: (body) => run(body, false) as BodyOf<S>,
    parsePartial: (body) => run(body, true) as Partial<BodyOf<S>>,
  };
}
