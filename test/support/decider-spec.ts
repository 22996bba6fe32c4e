import { expect } from 'vitest';
import type { Decider } from '../../domain/decider.js';

/** given(events).when(command).then(events) / .thenRefuses(error), as Emmett's DeciderSpecification. */
export const deciderSpec = <State, Command, Event, Error>(
  decider: Decider<State, Command, Event, Error>,
) => ({
  given: (...events: Event[]) => ({
    when: (command: Command) => {
      const state = events.reduce(decider.evolve, decider.initialState());
      const result = decider.decide(command, state);
      return {
        then: (...expected: Event[]) => {
          expect(result).toEqual({ _tag: 'Right', right: expected });
        },
        thenRefuses: (error: Partial<Error>) => {
          expect(result._tag).toBe('Left');
          if (result._tag === 'Left') expect(result.left).toMatchObject(error as object);
        },
      };
    },
  }),
});
