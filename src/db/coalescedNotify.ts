/**
 * Sends NOTIFY after commits, at most one in flight plus one trailing: every trigger is
 * followed by a NOTIFY that starts after it, however many triggers arrive meanwhile.
 *
 * Why not NOTIFY inside each append's transaction: PostgreSQL serialises the commits of
 * notifying transactions on one global lock, fsync included, which capped 32 concurrent
 * writers at a fraction of plain INSERTs (bench/append). A NOTIFY sent after commit from a
 * transaction without an xid holds that lock only briefly. If the process dies between a
 * commit and its NOTIFY, other processes' subscribers still find the events on their slow poll.
 */
export class CoalescedNotify {
  private inFlight = false;
  private pending = false;
  /** Topics of the triggers since the last send; null once one trigger named none. */
  private topics: Set<string> | null = new Set();

  constructor(
    private readonly send: (topics: readonly string[] | null) => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  trigger(topics?: readonly string[]): void {
    if (!topics) this.topics = null;
    else if (this.topics) for (const topic of topics) this.topics.add(topic);
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    do {
      this.pending = false;
      const topics = this.topics ? [...this.topics] : null;
      this.topics = new Set();
      try {
        await this.send(topics);
      } catch (err) {
        this.onError(err);
      }
    } while (this.pending);
    this.inFlight = false;
  }
}
