import { open, seal } from './cipher.js';
import { ERASED, PERSONAL_FIELDS } from './personalFields.js';

/**
 * How an event's personal fields sit in the log: taken out of their places and kept, together,
 * in one AES-256-GCM box under `data.$personal` (one cipher operation per event, however many
 * fields). Who the box belongs to and which fields it holds are in clear: neither is personal,
 * and an erased event still knows which fields to show as ERASED.
 */
export const SEALED_KEY = '$personal';

export interface Sealed {
  subject: string;
  fields: string[];
  /** base64 of `nonce | tag | ciphertext` of the JSON object `{ [path]: value }`. */
  box: string;
}

type Data = Record<string, unknown>;

const isObject = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);

export function sealedOf(data: unknown): Sealed | undefined {
  if (!isObject(data)) return undefined;
  const sealed = data[SEALED_KEY];
  return isObject(sealed) && typeof sealed.subject === 'string' && typeof sealed.box === 'string' && Array.isArray(sealed.fields)
    ? (sealed as unknown as Sealed)
    : undefined;
}

/** The subject and personal values in clear in `data` (an event not yet sealed); undefined when it holds none. */
export function plaintextPersonal(type: string, data: unknown): { subject: string; values: Map<string, unknown> } | undefined {
  const declared = PERSONAL_FIELDS.get(type);
  if (!declared || !isObject(data) || data[SEALED_KEY] !== undefined) return undefined;
  const subject = declared.subjectOf(data);
  if (subject === undefined) return undefined;
  const values = new Map<string, unknown>();
  for (const path of declared.paths) {
    const value = valueAt(data, path);
    if (value !== undefined) values.set(path, value);
  }
  return values.size > 0 ? { subject, values } : undefined;
}

/** A copy of `data` (the caller's object is left alone) with `values` taken out and sealed under `key`. */
export function sealData(data: Data, subject: string, values: ReadonlyMap<string, unknown>, key: Buffer): Data {
  const copy: Data = { ...data };
  for (const path of values.keys()) removeAt(copy, path);
  const box = seal(key, Buffer.from(JSON.stringify(Object.fromEntries(values)), 'utf8'), subject);
  copy[SEALED_KEY] = { subject, fields: [...values.keys()], box: box.toString('base64') } satisfies Sealed;
  return copy;
}

/** Puts the sealed values back in place (in `data`, which the caller owns), or ERASED in each when `key` is null. */
export function openData(data: Data, sealed: Sealed, key: Buffer | null): void {
  delete data[SEALED_KEY];
  if (key === null) {
    for (const path of sealed.fields) placeAt(data, path, ERASED);
    return;
  }
  const values = JSON.parse(open(key, Buffer.from(sealed.box, 'base64'), sealed.subject).toString('utf8')) as Data;
  for (const [path, value] of Object.entries(values)) placeAt(data, path, value);
}

/** A plaintext event (written before sealing) of an erased subject: its personal fields read as ERASED all the same. */
export function erasePlaintext(data: Data, paths: Iterable<string>): void {
  for (const path of paths) placeAt(data, path, ERASED);
}

function valueAt(data: Data, path: string): unknown {
  let at: unknown = data;
  for (const part of path.split('.')) {
    if (!isObject(at)) return undefined;
    at = at[part];
  }
  return at;
}

/** Removes the field at `path`, copying each object on the way so no shared object changes. */
function removeAt(data: Data, path: string): void {
  const parts = path.split('.');
  let at = data;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (!isObject(next)) return;
    at = at[part] = { ...next };
  }
  delete at[parts[parts.length - 1]!];
}

function placeAt(data: Data, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = data;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (!isObject(next)) at[part] = {};
    at = at[part] as Data;
  }
  at[parts[parts.length - 1]!] = value;
}
