import type { Knex } from 'knex';
import { AI_MODELS_LIST, EXAMPLE_JOB_APPLICATIONS_LIST, type CachedLists } from '../cache/cachedList.js';
import type { RecordedEvent } from '../eventstore/port.js';

const AI_MODEL_EVENTS: ReadonlySet<string> = new Set(['AiModelConfigured', 'AiModelUpdated', 'AiModelDeactivated']);

/**
 * The projector's after-commit hook: drops the cached public lists a batch changed, so the
 * next read (POST-then-GET included) comes from the fresh read model instead of an hour-old copy.
 */
export function invalidateCachedLists(db: Knex, lists: CachedLists): (projection: string, events: readonly RecordedEvent[]) => Promise<void> {
  return async (projection, events) => {
    const keys: string[] = [];
    if (projection === 'job_applications' && (await concernsExamples(db, events))) keys.push(EXAMPLE_JOB_APPLICATIONS_LIST);
    if (events.some((e) => AI_MODEL_EVENTS.has(e.type))) keys.push(AI_MODELS_LIST);
    if (keys.length > 0) await lists.invalidate(keys);
  };
}

/** Whether the batch touched an example application: the committed rows say which ones are. */
async function concernsExamples(db: Knex, events: readonly RecordedEvent[]): Promise<boolean> {
  const ids = [...new Set(events.flatMap(applicationIdOf))];
  if (ids.length === 0) return false;
  try {
    return (await db('job_applications').whereIn('id', ids).andWhere('is_example', true).first('id')) !== undefined;
  } catch {
    return true; // if the read model cannot say, dropping the list is the safe answer
  }
}

// By prefix, so an application event type added later is covered without touching this file.
function applicationIdOf(event: RecordedEvent): number[] {
  if (!event.type.startsWith('JobApplication')) return [];
  // A creation says itself whether it is an example: no need to ask the table.
  if (event.type === 'JobApplicationCreated' && (event.data as { isExample?: unknown }).isExample === false) return [];
  const id: unknown = (event.data as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? [id] : [];
}
