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

/** The personal values in clear of one event, by dotted path (an event not yet sealed). */
export interface Personal {
  subject: string;
  values: Record<string, unknown>;
  paths: string[];
}

/** The subject and personal values in clear in `data` (an event not yet sealed); undefined when it holds none. */
export function plaintextPersonal(type: string, data: unknown): Personal | undefined {
  const declared = PERSONAL_FIELDS.get(type);
  if (!declared || !isObject(data) || data[SEALED_KEY] !== undefined) return undefined;
  const subject = declared.subjectOf(data);
  if (subject === undefined) return undefined;
  const values: Record<string, unknown> = {};
  const paths: string[] = [];
  for (const path of declared.paths) {
    const value = valueAt(data, path);
    if (value === undefined) continue;
    values[path] = value;
    paths.push(path);
  }
  return paths.length > 0 ? { subject, values, paths } : undefined;
}

/** A copy of `data` (the caller's object is left alone) with the personal values taken out and sealed under `key`. */
export function sealData(data: Data, { subject, values, paths }: Personal, key: Buffer): Data {
  const copy = without(data, paths.map(partsOf), 0);
  const box = seal(key, Buffer.from(JSON.stringify(values), 'utf8'), subject);
  copy[SEALED_KEY] = { subject, fields: paths, box: box.toString('base64') } satisfies Sealed;
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

/** Dotted paths come from a fixed list (personalFields.ts): each is split once. */
const splitPaths = new Map<string, string[]>();
function partsOf(path: string): string[] {
  let parts = splitPaths.get(path);
  if (parts === undefined) splitPaths.set(path, (parts = path.split('.')));
  return parts;
}

function valueAt(data: Data, path: string): unknown {
  let at: unknown = data;
  for (const part of partsOf(path)) {
    if (!isObject(at)) return undefined;
    at = at[part];
  }
  return at;
}

/**
 * A copy of `data` without the fields at `paths` (split, matched from `depth`), each object on
 * the way copied and the caller's left alone. Built key by key rather than copied and then
 * `delete`d, which would turn every copy into a slow dictionary-mode object.
 */
function without(data: Data, paths: readonly string[][], depth: number): Data {
  const copy: Data = {};
  for (const key of Object.keys(data)) {
    let removed = false;
    let deeper: string[][] | undefined;
    for (const parts of paths) {
      if (parts[depth] !== key) continue;
      if (parts.length === depth + 1) removed = true;
      else (deeper ??= []).push(parts);
    }
    if (removed) continue;
    const value = data[key];
    copy[key] = deeper && isObject(value) ? without(value, deeper, depth + 1) : value;
  }
  return copy;
}

function placeAt(data: Data, path: string, value: unknown): void {
  const parts = partsOf(path);
  let at = data;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (!isObject(at[part])) at[part] = {};
    at = at[part] as Data;
  }
  at[parts[parts.length - 1]!] = value;
}
