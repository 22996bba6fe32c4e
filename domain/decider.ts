import type { Either } from 'fp-ts/lib/Either.js';

/**
 * A decider, in the shape of Emmett's `Decider` (decide, evolve, initialState): a command is decided
 * against the state folded from the stream's events, and answers with the events to append. Where
 * Emmett's decide throws to refuse, this one answers a typed refusal (Left).
 */
export type Decider<State, Command, Event, Error> = {
  readonly decide: (command: Command, state: State) => Either<Error, Event[]>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
};
