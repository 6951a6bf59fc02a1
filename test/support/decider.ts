import { expect } from 'chai';
import type { Decider } from '../../src/domain/decider.js';

/** given(events).when(command).then(events) / .thenThrows(ErrorClass) over a pure decider. */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return (history: E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: E[]) => expect(run()).to.deep.equal(expected),
        thenThrows: (errorClass: abstract new (...args: never[]) => Error, message?: string) => {
          let thrown: unknown;
          try {
            run();
          } catch (err) {
            thrown = err;
          }
          expect(thrown).to.be.instanceOf(errorClass);
          if (message) expect((thrown as Error).message).to.equal(message);
          return thrown;
        },
      };
    },
  });
}
