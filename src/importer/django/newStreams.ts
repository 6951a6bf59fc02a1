import { AppendTooLargeError, WrongExpectedVersionError, type DomainEvent, type EventStore, type Position, type RecordedEvent } from '../../eventstore/port.js';
import type { Outcome } from './report.js';

/** The `requestId` of every imported event: how a rerun recognises what an earlier run wrote. */
export const IMPORT_REQUEST_ID = 'import-django';

export interface StreamWriter {
  store: EventStore;
  dryRun: boolean;
  /** When this run started; kept in each event's metadata beside the Django time in `at`. */
  importedAt: string;
  /** Position of the last appended event of each type: what the read models must reach. */
  lastPositionOf: Map<string, Position>;
}

/**
 * Writes `events` in one append as a stream that must not exist yet (expected revision
 * "no stream"), so a rerun, or a row whose id is taken, never adds to an existing stream.
 * An existing stream is "alreadyImported" when an earlier run wrote it for the same row
 * (`sameRow` of its first event), otherwise the row is skipped with `takenReason`. A row
 * whose events are over the store's append limit is skipped too, saying so.
 */
export async function appendNewStream(
  writer: StreamWriter,
  streamId: string,
  events: readonly DomainEvent[],
  takenReason: string,
  sameRow: (first: RecordedEvent) => boolean,
): Promise<Outcome> {
  for (;;) {
    const [first] = await writer.store.readStream(streamId);
    if (first) return existingStream(first, sameRow, takenReason);
    if (writer.dryRun) return 'imported';
    try {
      const { position } = await writer.store.append(streamId, events.map((e) => ({ ...e, metadata: metadataOf(writer, e) })), { expectedRevision: 'no_stream' });
      for (const event of events) writer.lastPositionOf.set(event.type, position);
      return 'imported';
    } catch (err) {
      if (err instanceof AppendTooLargeError) return { skipped: `its events are too large to record: ${err.bytes} bytes, over the limit of ${err.maxBytes}` };
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      // Created meanwhile by someone else: read it and classify it like any existing stream.
    }
  }
}

/** An existing stream, by its first event: this row imported by an earlier run, or someone else's. */
export function existingStream(first: RecordedEvent, sameRow: (first: RecordedEvent) => boolean, takenReason: string): Outcome {
  return first.metadata.requestId === IMPORT_REQUEST_ID && sameRow(first) ? 'alreadyImported' : { skipped: takenReason };
}

function metadataOf(writer: StreamWriter, event: DomainEvent) {
  const { at } = event.data as { at: string };
  return { userId: null, requestId: IMPORT_REQUEST_ID, at, importedAt: writer.importedAt };
}
