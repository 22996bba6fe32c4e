import * as t from 'io-ts';
import { patternString } from '../json/bounded-codecs.js';
import { findJsonRejection } from '../json/json-value.js';

/** Tenant, agent and origin-system ids: 1–64 characters, letters, digits, '.', '_', ':' and '-',
 * starting with a letter or digit. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const ID_RULE = 'expected 1-64 characters: letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

export const TenantIdC = patternString('TenantId', ID_PATTERN, ID_RULE);
export const AgentIdC = patternString('AgentId', ID_PATTERN, ID_RULE);
export const OriginSystemIdC = patternString('OriginSystemId', ID_PATTERN, ID_RULE);

/** Run ids are lowercase canonical UUIDs. */
export const RunIdC = patternString(
  'RunId',
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'expected a lowercase UUID such as 0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a',
);

export const GOAL_MAX_LENGTH = 4000;
// C0 and C1 control characters and DEL; a goal is one line of human text.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export const GoalC = new t.Type<string, string, unknown>(
  'Goal',
  (u): u is string => typeof u === 'string' && u.trim() !== '' && u.length <= GOAL_MAX_LENGTH && !CONTROL_CHARACTER.test(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a string');
    if (u.trim() === '') return t.failure(u, c, 'must not be empty');
    if (u.length > GOAL_MAX_LENGTH) return t.failure(u, c, `must be at most ${GOAL_MAX_LENGTH} characters (got ${u.length})`);
    const control = CONTROL_CHARACTER.exec(u);
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
      return t.failure(u, c, `must not contain control characters (found U+${code} at index ${control.index})`);
    }
    if (findJsonRejection(u) !== null) return t.failure(u, c, 'must not contain lone surrogates');
    return t.success(u);
  },
  t.identity,
);

export const runStreamId = (runId: string): string => `aos-run-${runId}`;
export const agentStreamId = (agentId: string): string => `aos-agent-${agentId}`;
