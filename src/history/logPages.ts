import { START, type EventStore, type RecordedEvent } from '../eventstore/port.js';

export const LOG_PAGE_SIZE = 500;

/**
 * The whole log in global order, read one page at a time through the port (so it works on
 * both adapters): at most one page is held in memory, however long the log. Ends at the
 * first short page, i.e. the readable head as the scan reaches it; `onPage` reports progress.
 */
export async function* eventsOfLog(
  store: EventStore,
  { pageSize = LOG_PAGE_SIZE, onPage }: { pageSize?: number; onPage?: (events: number) => void } = {},
): AsyncGenerator<RecordedEvent> {
  let fromPosition = START;
  for (;;) {
    const page = await store.readAll({ fromPosition, limit: pageSize });
    onPage?.(page.length);
    yield* page;
    if (page.length < pageSize) return;
    fromPosition = page[page.length - 1]!.position;
  }
}
