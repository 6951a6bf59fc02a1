import type { FieldSchema, ObjectSchema } from './schema.js';

/** The DRF field class a property schema stands for; it decides coercion and wording. */
export type FieldKind = 'string' | 'date' | 'choice' | 'integer' | 'boolean' | 'pk';

export interface Field {
  readonly name: string;
  readonly schema: FieldSchema;
  readonly kind: FieldKind;
}

const ANNOTATIONS = ['title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$comment', 'x-messages'];
const KEYWORDS: Record<FieldKind, readonly string[]> = {
  string: ['type', 'maxLength', 'minLength', 'pattern', 'format', 'x-trim', 'x-allow-blank'],
  date: ['type', 'format'],
  choice: ['type', 'enum'],
  integer: ['type', 'minimum', 'maximum'],
  boolean: ['type'],
  pk: ['type', 'x-pk'],
};
const ROOT_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'title', 'description', '$id', '$schema', '$comment', 'examples']);

const described = new WeakMap<ObjectSchema, readonly Field[]>();

/**
 * The writable fields, in `properties` order. Throws at module load for a schema this layer
 * cannot word in DRF's terms, so every ajv error that can happen has a message.
 */
export function fieldsOf(schema: ObjectSchema): readonly Field[] {
  let fields = described.get(schema);
  if (!fields) {
    fields = describe(schema);
    described.set(schema, fields);
  }
  return fields;
}

function describe(schema: ObjectSchema): readonly Field[] {
  const unsupported = Object.keys(schema).filter((key) => !ROOT_KEYWORDS.has(key));
  if (unsupported.length > 0) throw new Error(`bodyValidator: unsupported keywords on the body: ${unsupported.join(', ')}`);
  return Object.entries(schema.properties)
    .filter(([, field]) => field.readOnly !== true)
    .map(([name, field]) => ({ name, schema: field, kind: checkedKindOf(name, field) }));
}

function checkedKindOf(name: string, field: FieldSchema): FieldKind {
  const kind = kindOf(name, field);
  const allowed = new Set([...ANNOTATIONS, ...KEYWORDS[kind]]);
  const unsupported = Object.keys(field).filter((key) => !allowed.has(key));
  if (unsupported.length > 0) throw new Error(`bodyValidator: ${name}: unsupported keywords for a ${kind} field: ${unsupported.join(', ')}`);
  if (kind === 'string' && field.format !== undefined && field.format !== 'email') {
    throw new Error(`bodyValidator: ${name}: unsupported format "${field.format}"`);
  }
  if (kind === 'choice' && typesOf(field).includes('null') !== (field.enum as readonly unknown[]).includes(null)) {
    throw new Error(`bodyValidator: ${name}: a nullable choice lists null in its enum, and only then`);
  }
  return kind;
}

function kindOf(name: string, field: FieldSchema): FieldKind {
  const types = typesOf(field).filter((type) => type !== 'null');
  if (field['x-pk'] === true && types.length === 1 && types[0] === 'integer') return 'pk';
  if (Array.isArray(field.enum) && types.length === 1) return 'choice';
  if (types.length === 1 && types[0] === 'string') return field.format === 'date' ? 'date' : 'string';
  if (types.length === 1 && types[0] === 'integer') return 'integer';
  if (types.length === 1 && types[0] === 'boolean') return 'boolean';
  throw new Error(`bodyValidator: ${name}: give a single type (string, integer or boolean, optionally with null)`);
}

function typesOf(field: FieldSchema): readonly string[] {
  if (field.type === undefined) return [];
  return typeof field.type === 'string' ? [field.type] : field.type;
}

export function allowsNull(field: Field): boolean {
  return typesOf(field.schema).includes('null');
}
