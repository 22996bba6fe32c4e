import * as E from 'fp-ts/lib/Either.js';

/** The environment variable that says how long the embedded server stays up after its last command. */
export const IDLE_VARIABLE = 'AOS_DB_IDLE_SECONDS';
/** Ten minutes: commands typed one after another find the server running. */
const DEFAULT_IDLE_SECONDS = 600;
/** About 23 days, below the longest timer Node keeps (2^31 - 1 ms). */
const MAX_IDLE_SECONDS = 2_000_000;

/** AOS_DB_IDLE_SECONDS: a whole number of seconds, 0 (stop the server when the last command ends)
 * to 2000000; unset or empty means 600. */
export const idleSecondsOf = (env: NodeJS.ProcessEnv): E.Either<string, number> => {
  const text = env[IDLE_VARIABLE]?.trim();
  if (text === undefined || text === '') return E.right(DEFAULT_IDLE_SECONDS);
  const seconds = /^\d{1,7}$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
  return Number.isInteger(seconds) && seconds <= MAX_IDLE_SECONDS
    ? E.right(seconds)
    : E.left(
        `must be a whole number of seconds from 0 (stop after each command) to ${MAX_IDLE_SECONDS}, not ${JSON.stringify(text)}`,
      );
};
