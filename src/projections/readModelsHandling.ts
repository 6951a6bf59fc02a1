import type { Projection } from './projection.js';

/** The read models an append must be visible in before a command returns (read-your-writes). */
export type ReadModelsFor = (eventTypes: Iterable<string>) => readonly string[];

/**
 * Which of `projections` handle any of the given event types, derived from each one's
 * `handles`, so a command never lists read models by hand (and a new read model of an event
 * is waited for without touching the command).
 */
export function readModelsHandling(projections: readonly Pick<Projection, 'name' | 'handles'>[]): ReadModelsFor {
  const byType = new Map<string, string[]>();
  for (const { name, handles } of projections) {
    for (const type of handles) byType.set(type, [...(byType.get(type) ?? []), name]);
  }
  return (eventTypes) => {
    const names = new Set<string>();
    for (const type of eventTypes) for (const name of byType.get(type) ?? []) names.add(name);
    return [...names];
  };
}
