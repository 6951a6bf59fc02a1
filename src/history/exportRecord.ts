import type { RecordedEvent } from '../eventstore/port.js';
import { subjectUserOf } from './eventFacts.js';

/** One exported event; `at` is the command's time, `created` the store's write time. */
export interface ExportRecord {
  position: string;
  stream: string;
  revision: number;
  type: string;
  at: string;
  created: string;
  user_id: number | null;
  data: unknown;
  metadata: unknown;
}

export const EXPORT_COLUMNS = ['position', 'stream', 'revision', 'type', 'at', 'created', 'user_id', 'data', 'metadata'] as const;

export const REDACTED = '[redacted]';
/** Keys whose values never leave the log (UserRegistered/UserPasswordChanged carry `passwordHash`). */
const SECRET_KEYS = new Set(['passwordHash', 'password_hash', 'password']);

export function toExportRecord(event: RecordedEvent): ExportRecord {
  return {
    position: event.position,
    stream: event.streamId,
    revision: Number(event.revision),
    type: event.type,
    at: event.metadata.at,
    created: event.createdAt.toISOString(),
    user_id: subjectUserOf(event),
    data: redactSecrets(event.data),
    metadata: redactSecrets(event.metadata),
  };
}

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, SECRET_KEYS.has(key) ? REDACTED : redactSecrets(v)]));
}

/** The CSV row: data and metadata as JSON text columns. */
export const toCsvRow = (r: ExportRecord): unknown[] =>
  [r.position, r.stream, r.revision, r.type, r.at, r.created, r.user_id ?? '', JSON.stringify(r.data), JSON.stringify(r.metadata)];
