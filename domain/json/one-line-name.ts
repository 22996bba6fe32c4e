import * as t from 'io-ts';
import { describeUnsafeTextCharacter, unsafeTextCharacter } from './control-characters.js';

/** A name: 1 to `max` characters of one line of text (not blank; no control, bidi control or line
 * separator character), as agents and ingest tokens are named. */
export const oneLineName = (name: string, max: number) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string =>
      typeof u === 'string' && u.trim() !== '' && u.length <= max && unsafeTextCharacter(u) === null,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'expected a string');
      if (u.trim() === '') return t.failure(u, c, 'must not be empty');
      if (u.length > max) return t.failure(u, c, `must be at most ${max} characters`);
      const unsafe = unsafeTextCharacter(u);
      return unsafe === null ? t.success(u) : t.failure(u, c, describeUnsafeTextCharacter(unsafe));
    },
    t.identity,
  );
