import type { StatusEntry } from '../projections/jobApplicationStats.js';

/**
 * Adds a status entry to an application's timeline, keeping only what the stats read, so a
 * replay holds at most 16 entries per application however often its status flips. The stats
 * read each status's first entry, and the first entry of a status after another status's
 * first entry (median days from one stage to the next). So an entry is kept when its status
 * has not been kept since the latest first entry of any status.
 */
export function addStatusEntry(timeline: StatusEntry[], entry: StatusEntry): void {
  let latestFirst = 0;
  const seen = new Set<string>();
  timeline.forEach((e, i) => {
    if (!seen.has(e.status)) latestFirst = i;
    seen.add(e.status);
  });
  if (!seen.has(entry.status) || !timeline.slice(latestFirst).some((e) => e.status === entry.status)) timeline.push(entry);
}
