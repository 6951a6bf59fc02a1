import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { EventStore } from '../eventstore/port.js';
import { matchesFilter, type EventFilter } from './eventFilter.js';
import { EXPORT_COLUMNS, toCsvRow, toExportRecord, type ExportRecord } from './exportRecord.js';
import { eventsOfLog } from './logPages.js';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  filter: EventFilter;
  /** False for stdout, which must stay open. */
  end?: boolean;
  onPage?: (events: number) => void;
  pageSize?: number;
}

/**
 * Streams the matching events to `out`, oldest first. Memory stays constant however long the
 * log: events are pulled a page at a time and only as fast as `out` drains (pipeline's
 * backpressure). Returns how many events were written.
 */
export async function exportLog(store: EventStore, { format, filter, end = true, onPage, pageSize }: ExportOptions, out: Writable): Promise<number> {
  let exported = 0;
  async function* records(): AsyncGenerator<ExportRecord> {
    for await (const event of eventsOfLog(store, { onPage, pageSize })) {
      if (!matchesFilter(event, filter)) continue;
      exported++;
      yield toExportRecord(event);
    }
  }
  if (format === 'ndjson') {
    await pipeline(records(), ndjsonLines, out, { end });
  } else {
    await pipeline(records(), csvRows, stringify({ header: true, columns: [...EXPORT_COLUMNS] }), out, { end });
  }
  return exported;
}

async function* ndjsonLines(source: AsyncIterable<ExportRecord>): AsyncGenerator<string> {
  for await (const record of source) yield `${JSON.stringify(record)}\n`;
}

async function* csvRows(source: AsyncIterable<ExportRecord>): AsyncGenerator<unknown[]> {
  for await (const record of source) yield toCsvRow(record);
}
