import type { ExtendedJSONSchema, FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The keys `x-messages` may override: the failing JSON Schema keyword, or one of DRF's own checks. */
export const MESSAGE_KEYS = [
  'required',
  'null',
  'type',
  'blank',
  'enum',
  'format',
  'pattern',
  'maxLength',
  'minLength',
  'minimum',
  'maximum',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

/** Our extension keywords. ajv knows them too (./ajv.ts), so strict mode still rejects typos. */
export type DrfKeywords = {
  /** `false` keeps surrounding whitespace (DRF `trim_whitespace=False`). */
  'x-trim': boolean;
  /** `true` accepts `""` (DRF `allow_blank=True`). */
  'x-allow-blank': boolean;
  /** `true` marks the id of another resource (DRF `PrimaryKeyRelatedField`); the caller checks it exists. */
  'x-pk': boolean;
  /** This field's wording for a failure, e.g. `{ pattern: 'Enter a valid username. …' }`. */
  'x-messages': Readonly<Partial<Record<MessageKey, string>>>;
};

export type FieldSchema = Exclude<ExtendedJSONSchema<DrfKeywords>, boolean>;

/** A request body: a flat object whose `properties` order is the order errors are reported in. */
export type ObjectSchema = FieldSchema &
  Readonly<{
    type: 'object';
    properties: Readonly<Record<string, FieldSchema>>;
    required?: readonly string[];
  }>;

type WritableKey<S extends ObjectSchema> = {
  [K in keyof S['properties']]: S['properties'][K] extends Readonly<{ readOnly: true }> ? never : K;
}[keyof S['properties']];

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Parsed<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;

/** What `parse` returns: the writable properties only (no index signature, no read-only fields). */
export type BodyOf<S extends ObjectSchema> = S extends JSONSchema
  ? Simplify<Pick<Parsed<S>, WritableKey<S> & keyof Parsed<S>>>
  : never;
