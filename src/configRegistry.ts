import { z } from 'zod';

/**
 * How a setting is declared once: a zod schema registered with the variable it reads and what it
 * means. The declaration tree (configSettings.ts) has the shape of the parsed configuration, so
 * one walk of it gives the parser's input, the variable behind an error, the README's table and
 * the masked start-up summary.
 */
export interface SettingDoc {
  variable: string;
  meaning: string;
  /** What the README shows as the default; otherwise the schema's own default, or "unset". */
  default?: string;
  /** Not one variable but every one whose name matches (the AI keys a model may name). */
  matching?: (variable: string) => boolean;
}

export const settingDocs = z.registry<SettingDoc>();
/** How a value appears in the start-up log; a schema without one is shown as it is. */
export const masks = z.registry<{ mask: (value: z.core.$output) => unknown }>();

export const MASK = '****';

/** Hides the password of a URL (`scheme://user:pass@host`) and any `password=` query parameter. */
export function maskUrl(url: string): string {
  const start = url.indexOf('://') + 3;
  const at = url.lastIndexOf('@');
  const colon = url.indexOf(':', start);
  const hidden = start > 2 && at > start && colon > -1 && colon < at ? `${url.slice(0, colon + 1)}${MASK}${url.slice(at)}` : url;
  return hidden.replace(/([?&]password=)[^&]*/gi, `$1${MASK}`);
}

export function setting<S extends z.ZodType>(variable: string, schema: S, doc: Omit<SettingDoc, 'variable'>): S {
  (schema as z.ZodType).register(settingDocs, { variable, ...doc });
  return schema;
}

export function masked<S extends z.ZodType>(schema: S, mask: (value: NonNullable<z.output<S>>) => unknown): S {
  const orUndefined = (value: unknown) => (value === undefined ? undefined : mask(value as NonNullable<z.output<S>>));
  (schema as z.ZodType).register(masks, { mask: orUndefined });
  return schema;
}

/** A group of settings: an object, or an object whose fields are combined by a transform. */
function fieldsOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  if (settingDocs.has(schema)) return undefined;
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  if (schema instanceof z.ZodPipe) return fieldsOf(schema.in as z.ZodType);
  return undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The parser's input: the declaration's shape, each setting holding its variable's value. */
export function inputFor(schema: z.ZodType, env: Environment): unknown {
  const fields = fieldsOf(schema);
  if (fields) return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, inputFor(field, env)]));
  const doc = settingDocs.get(schema);
  if (!doc) throw new Error('A configuration field is neither a group nor a declared setting');
  if (!doc.matching) return env[doc.variable];
  const matching = doc.matching;
  return Object.fromEntries(Object.entries(env).filter(([name]) => matching(name)));
}

/** The variable behind an error at `path` (the deepest declared setting on it). */
export function variableAt(schema: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  const doc = settingDocs.get(schema);
  if (doc) return doc.variable;
  const next = path[0];
  const field = typeof next === 'string' ? fieldsOf(schema)?.[next] : undefined;
  return field && variableAt(field, path.slice(1));
}

export interface DeclaredSetting extends SettingDoc {
  default: string;
}

/** Every declared setting, in declaration order. */
export function declaredSettings(schema: z.ZodType): DeclaredSetting[] {
  const fields = fieldsOf(schema);
  if (fields) return Object.values(fields).flatMap((field) => declaredSettings(field));
  const doc = settingDocs.get(schema);
  return doc ? [{ ...doc, default: doc.default ?? shownDefault(schema) }] : [];
}

function shownDefault(schema: z.ZodType): string {
  if (schema instanceof z.ZodDefault) return shown(schema.def.defaultValue);
  if (schema instanceof z.ZodPipe) return shownDefault(schema.in as z.ZodType);
  return 'unset';
}

const shown = (value: unknown): string => {
  if (typeof value === 'boolean') return value ? '`True`' : '`False`';
  if (value === '' || (Array.isArray(value) && value.length === 0)) return 'empty';
  return `\`${String(value)}\``;
};

/** `value` as the start-up log may show it: every registered mask applied where it is declared. */
export function maskedValue(schema: z.ZodType, value: unknown): unknown {
  const mask = masks.get(schema);
  if (mask) return mask.mask(value);
  const fields = fieldsOf(schema);
  if (!fields || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, fields[key] ? maskedValue(fields[key], field) : field]),
  );
}
