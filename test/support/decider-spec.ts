import type { Either } from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';

/** given(events).when(command).then(events) / .thenRefuses(error), as Emmett's DeciderSpecification. */
export const deciderSpec = <Command, Event, State, Error>(decider: {
  decide: (command: Command, state: State) => Either<Error, Event[]>;
  evolve: (state: State, event: Event) => State;
  initialState: State;
}) => ({
  given: (...events: Event[]) => ({
    when: (command: Command) => {
      const state = events.reduce(decider.evolve, decider.initialState);
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
