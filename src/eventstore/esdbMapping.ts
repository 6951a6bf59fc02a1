import { START, type EventMetadata, type Position, type RecordedEvent } from './port.js';

/** A place in the EventStoreDB transaction log, as the server reports it. */
export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

/** A recorded event as the client hands it over, before it becomes the port's RecordedEvent. */
export interface EsdbRecord {
  streamId: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  created: Date;
  /** Always set on $all reads; on stream reads only by servers newer than 22.6. */
  position?: EsdbPosition;
}

/** 20 digits hold any unsigned 64-bit value, so the padded string sorts like the pair. */
const WIDTH = 20;
const POSITION = /^(\d{20}):(\d{20})$/;

export function encodePosition({ commit, prepare }: EsdbPosition): Position {
  if (commit < 0n || prepare < 0n) throw new RangeError(`Not a log position: ${commit}/${prepare}`);
  return `${commit.toString().padStart(WIDTH, '0')}:${prepare.toString().padStart(WIDTH, '0')}`;
}

/** The log position a port position stands for; undefined for START. */
export function decodePosition(position: Position): EsdbPosition | undefined {
  if (position === START) return undefined;
  const match = POSITION.exec(position);
  if (!match) throw new Error(`Not an EventStoreDB event store position: ${position}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

export function comparePositions(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function requirePosition(record: EsdbRecord): EsdbPosition {
  if (!record.position) {
    throw new Error(`EventStoreDB reported no position for ${record.streamId}@${record.revision}: the server must be 22.6 or newer`);
  }
  return record.position;
}

/** Where the log's identity lives (see esdbLogIdentity.ts): bookkeeping, never delivered to read models. */
export const LOG_IDENTITY_STREAM = 'resumate-log';

/** Server bookkeeping ($stats, $settings, stream metadata, links) and ours, never an application event. */
export function isSystemRecord(record: Pick<EsdbRecord, 'streamId' | 'type'>): boolean {
  return record.type.startsWith('$') || record.streamId.startsWith('$') || record.streamId === LOG_IDENTITY_STREAM;
}

/** An application event strictly after `after` (everything counts as after START). */
export function isApplicationEventAfter(record: EsdbRecord, after: EsdbPosition | undefined): boolean {
  if (isSystemRecord(record)) return false;
  return after === undefined || comparePositions(requirePosition(record), after) > 0;
}

export function toRecordedEvent(record: EsdbRecord): RecordedEvent {
  return {
    type: record.type,
    data: record.data,
    streamId: record.streamId,
    revision: record.revision,
    position: encodePosition(requirePosition(record)),
    metadata: toMetadata(record.metadata, record.created),
    createdAt: record.created,
  };
}

/** Our writers always store metadata; an event written by another tool still gets its `at`. */
function toMetadata(raw: unknown, created: Date): EventMetadata {
  const fields = isPlainObject(raw) ? raw : {};
  return typeof fields.at === 'string' ? (fields as EventMetadata) : { ...fields, at: created.toISOString() };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
