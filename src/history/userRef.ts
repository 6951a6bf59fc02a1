import type { EventStore } from '../eventstore/port.js';
import { userStream } from '../domain/user/index.js';
import { usernameDecider, usernameStream, type UsernameEvent } from '../domain/username/index.js';

/**
 * The id of the user named by `ref`: a username (any case), or else a numeric user id.
 * Asks the log, so it works on both adapters and never lags behind a read model. A name freed
 * by an erasure names whoever registered it since, or no one.
 */
export async function resolveUserRef(store: EventStore, ref: string): Promise<number | undefined> {
  const reservation = await store.readStream<UsernameEvent>(usernameStream(ref));
  const { reservedBy } = reservation.reduce(usernameDecider.evolve, usernameDecider.initialState());
  if (reservedBy !== null) return reservedBy;
  if (!/^\d{1,15}$/.test(ref)) return undefined;
  const id = Number(ref);
  return (await store.readStream(userStream(id))).length > 0 ? id : undefined;
}
