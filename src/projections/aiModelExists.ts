import { aiModelStream } from '../domain/aiModel/index.js';
import type { EventStore } from '../eventstore/port.js';

/** Asks the log, which knows a model the instant it is configured (the `ai_models` read model may lag). */
export async function aiModelExists(deps: { store: EventStore }, displayName: string): Promise<boolean> {
  return (await deps.store.readStream(aiModelStream(displayName))).length > 0;
}
