import * as t from 'io-ts';
import { intBetween, patternString } from '../json/bounded-codecs.js';
import { describeUnsafeTextCharacter, unsafeTextCharacter } from '../json/control-characters.js';
import { findJsonRejection } from '../json/json-value.js';

/** Tenant, agent and origin-system ids: 1–64 characters, letters, digits, '.', '_', ':' and '-',
 * starting with a letter or digit. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const ID_RULE =
  'expected 1-64 characters: letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

export const TenantIdC = patternString('TenantId', ID_PATTERN, ID_RULE);
export const AgentIdC = patternString('AgentId', ID_PATTERN, ID_RULE);
export const OriginSystemIdC = patternString('OriginSystemId', ID_PATTERN, ID_RULE);

/** A step's step_index in its run (no run executes more than MAX_RUN_STEPS steps). */
export const StepIndexC = intBetween(0, 1_000_000);

/** Run ids are lowercase canonical UUIDs. */
export const RunIdC = patternString(
  'RunId',
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'expected a lowercase UUID such as 0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a',
);

const GOAL_MAX_LENGTH = 4000;

export const GoalC = new t.Type<string, string, unknown>(
  'Goal',
  (u): u is string =>
    typeof u === 'string' &&
    u.trim() !== '' &&
    u.length <= GOAL_MAX_LENGTH &&
    unsafeTextCharacter(u) === null &&
    findJsonRejection(u) === null &&
    !u.includes('{{'),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a string');
    if (u.trim() === '') return t.failure(u, c, 'must not be empty');
    if (u.length > GOAL_MAX_LENGTH)
      return t.failure(u, c, `must be at most ${GOAL_MAX_LENGTH} characters (got ${u.length})`);
    // One line of human text: no control, bidi control or line separator may hide, reorder or
    // break what an operator reads of it.
    const unsafe = unsafeTextCharacter(u);
    if (unsafe !== null) return t.failure(u, c, describeUnsafeTextCharacter(unsafe));
    if (findJsonRejection(u) !== null) return t.failure(u, c, 'must not contain lone surrogates');
    // The goal is put into plan params, where {{secret:..}} and {{steps..}} are resolved: a goal
    // must not be able to reach a secret or another step's data.
    if (u.includes('{{'))
      return t.failure(u, c, 'must not contain "{{" (template syntax is reserved for plan templates)');
    return t.success(u);
  },
  t.identity,
);
