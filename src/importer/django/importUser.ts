import { userStream, type UserRegisteredData } from '../../domain/user/index.js';
import { usernameDecider, usernameStream, type UsernameEvent } from '../../domain/username/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { usernameEvents, userEvents } from './events.js';
import { appendNewStream, existingStream, type StreamWriter } from './newStreams.js';
import type { Outcome } from './report.js';
import type { DjangoUser } from './sourceRows.js';

/**
 * Like registration: the username is claimed first (its stream enforces case-insensitive
 * uniqueness), then the user's stream is written with the Django id. A run that stopped
 * between the two finds its own claim and goes on.
 */
export async function importUser(writer: StreamWriter, user: DjangoUser, claimedInDryRun: Set<string>): Promise<Outcome> {
  const sameUser = (first: RecordedEvent) => (first.data as UserRegisteredData).username.toLowerCase() === user.username.toLowerCase();
  const taken = `id ${user.id} belongs to another account`;
  const [first] = await writer.store.readStream(userStream(user.id));
  if (first) return existingStream(first, sameUser, taken);
  const claim = await claimUsername(writer, user, claimedInDryRun);
  if (claim !== 'claimed') return claim;
  return appendNewStream(writer, userStream(user.id), userEvents(user), taken, sameUser);
}

async function claimUsername(writer: StreamWriter, user: DjangoUser, claimedInDryRun: Set<string>): Promise<'claimed' | { skipped: string }> {
  const stream = usernameStream(user.username);
  for (;;) {
    const history = await writer.store.readStream<UsernameEvent>(stream);
    const { reservedBy } = history.reduce(usernameDecider.evolve, usernameDecider.initialState());
    if (reservedBy === user.id) return 'claimed';
    if (reservedBy !== null) return { skipped: `username "${user.username}" is taken (in any case) by account ${reservedBy}` };
    if (writer.dryRun) {
      // Django usernames differ by case only where ours cannot: the second one would be refused.
      if (claimedInDryRun.has(stream)) return { skipped: `username "${user.username}" is taken (in any case) by another imported user` };
      claimedInDryRun.add(stream);
      return 'claimed';
    }
    // Claimed meanwhile by someone else: the next round reads by whom.
    if ((await appendNewStream(writer, stream, usernameEvents(user), '', () => false)) === 'imported') return 'claimed';
  }
}
