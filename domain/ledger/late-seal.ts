import * as t from 'io-ts';
import { closedObject } from '../json/closed-object.js';
import { describeUnsafeTextCharacter, unsafeTextCharacter } from '../json/control-characters.js';
import { findJsonRejection } from '../json/json-value.js';

/** One line of text an operator gives (a name, a reason): not blank, at most `max` characters, no
 * control characters, bidi controls or line separators (they would hide, reorder or break what a
 * verifier prints) and no lone surrogates. */
const operatorText = (name: string, max: number) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string =>
      typeof u === 'string' &&
      u.trim() !== '' &&
      u.length <= max &&
      unsafeTextCharacter(u) === null &&
      findJsonRejection(u) === null,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'expected a string');
      if (u.trim() === '') return t.failure(u, c, 'must not be empty');
      if (u.length > max) return t.failure(u, c, `must be at most ${max} characters (got ${u.length})`);
      const unsafe = unsafeTextCharacter(u);
      if (unsafe !== null) return t.failure(u, c, describeUnsafeTextCharacter(unsafe));
      if (findJsonRejection(u) !== null) return t.failure(u, c, 'must not contain lone surrogates');
      return t.success(u);
    },
    t.identity,
  );

export const SealedByC = operatorText('SealedBy', 200);
export const LateSealReasonC = operatorText('LateSealReason', 1000);

/** What a seal made after its run's completion says of itself (docs/RUNPROOF-FORMAT.md section 6):
 * who sealed it (`by`) and why (`reason`, optional); when is the checkpoint's `sealed_at`. Part of
 * the signed checkpoint, so neither can be changed or removed without breaking the signature and
 * the ledger leaf. */
export const LateSealC = closedObject('LateSeal', { by: SealedByC }, { reason: LateSealReasonC });
export type LateSeal = t.TypeOf<typeof LateSealC>;
