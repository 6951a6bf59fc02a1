import { expect } from 'chai';
import fc from 'fast-check';
import { JOB_APPLICATION_STATUSES } from '../../src/domain/jobApplication/index.js';
import { addStatusEntry } from '../../src/history/statusTimeline.js';
import { summarize, type StatusEntry } from '../../src/projections/jobApplicationStats.js';

const DAY_MS = 86_400_000;

/** Applications, each a sequence of statuses at increasing whole days. */
const histories = fc.array(
  fc.array(fc.record({ status: fc.constantFrom(...JOB_APPLICATION_STATUSES), gapDays: fc.integer({ min: 0, max: 30 }) }), { minLength: 1, maxLength: 40 }),
  { minLength: 1, maxLength: 6 },
);

function entriesOf(history: { status: StatusEntry['status']; gapDays: number }[], applicationId: number): StatusEntry[] {
  let at = Date.UTC(2001, 0, 1);
  return history.map(({ status, gapDays }) => ({ applicationId, status, at: new Date((at += gapDays * DAY_MS)) }));
}

describe('addStatusEntry (the replay’s bounded timeline)', () => {
  it('keeps what the stats need: the same stats as the full timelines, with at most 16 entries each', () => {
    fc.assert(
      fc.property(histories, (apps) => {
        const full = apps.map((history, i) => entriesOf(history, i + 1));
        const bounded = full.map((timeline) => {
          const kept: StatusEntry[] = [];
          for (const entry of timeline) addStatusEntry(kept, entry);
          return kept;
        });
        const current = full.map((timeline) => ({ status: timeline[timeline.length - 1]!.status }));
        expect(summarize(current, bounded.flat())).to.deep.equal(summarize(current, full.flat()));
        for (const kept of bounded) expect(kept.length).to.be.at.most(16);
      }),
      { numRuns: 500 },
    );
  });

  it('drops a status flip-flop once the first entries are known', () => {
    const kept: StatusEntry[] = [];
    const flips = ['Applied', 'Interviewing', 'Applied', 'Interviewing', 'Applied', 'Interviewing'] as const;
    flips.forEach((status, day) => addStatusEntry(kept, { applicationId: 1, status, at: new Date(Date.UTC(2001, 0, day + 1)) }));
    expect(kept.map((e) => e.status)).to.deep.equal(['Applied', 'Interviewing', 'Applied']);
  });
});
