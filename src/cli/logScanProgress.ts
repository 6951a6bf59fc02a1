import cliProgress from 'cli-progress';
import { START, type EventStore } from '../eventstore/port.js';

export interface ScanProgress {
  onPage(events: number): void;
  stop(): void;
}

const SHOW_AFTER_MS = 1000;

/**
 * A progress bar on stderr for a scan of the whole log: only on a terminal (stdout may be the
 * export itself) and only once the scan has run for a second.
 */
export async function logScanProgress(store: EventStore): Promise<ScanProgress> {
  if (!process.stderr.isTTY) return { onPage: () => undefined, stop: () => undefined };
  const total = await store.countAfter(START);
  const started = Date.now();
  let scanned = 0;
  let bar: cliProgress.SingleBar | undefined;
  return {
    onPage(events) {
      scanned += events;
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS) return;
        const format = total > 0 ? 'log {bar} {percentage}% | {value}/{total} events | ETA {eta}s' : 'log: {value} events scanned';
        bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(Math.max(total, scanned), 0);
      }
      bar.update(Math.min(scanned, Math.max(total, scanned)));
    },
    stop: () => bar?.stop(),
  };
}
