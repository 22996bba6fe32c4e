import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decideAddCheckpoint } from '../../domain/witness/add-checkpoint-decision.js';
import { parseAddCheckpointRequest } from '../../domain/witness/add-checkpoint-request.js';
import type { WitnessState } from '../../domain/witness/witness-state.js';
import { parseWitnessedLogs } from '../../domain/witness/witnessed-logs.js';
import { testLog } from '../support/test-log.js';

/** The witness's decision, pure: each status of C2SP tlog-witness from a body and the state held. */
describe('deciding an add-checkpoint', () => {
  const log = testLog('aos.runproof/t', 'aos.runproof');
  const logs = parseWitnessedLogs(`log ${log.origin} ${log.verifierKey}\n`);
  const decide = (body: string, held: WitnessState | null) => {
    const request = parseAddCheckpointRequest(new TextEncoder().encode(body));
    if (E.isLeft(request) || E.isLeft(logs)) throw new Error('bad fixture');
    return decideAddCheckpoint(request.right, logs.right, held);
  };
  const statusOf = (body: string, held: WitnessState | null) => {
    const decided = decide(body, held);
    return E.isLeft(decided) ? decided.left.status : 200;
  };
  const accepted = (body: string, held: WitnessState | null): WitnessState => {
    const decided = decide(body, held);
    if (E.isLeft(decided)) throw new Error(decided.left.message);
    return decided.right.state;
  };

  it('accepts a first checkpoint and then one consistent with it; keeps what it accepted', () => {
    const first = accepted(log.body(0, 4), null);
    expect(first).toMatchObject({ origin: log.origin, size: 4, checkpoint: log.checkpoint(4) });
    expect(accepted(log.body(4, 9), first).size).toBe(9);
    expect(accepted(log.body(4, 4), first).size).toBe(4);
  });

  it('answers 404, 403, 400, 409 and 422 where C2SP says', () => {
    const held = accepted(log.body(0, 4), null);
    expect(statusOf(testLog('other/log').body(0, 2), held)).toBe(404);
    expect(statusOf(testLog(log.origin, 'aos.runproof').body(0, 2), null)).toBe(403);
    expect(statusOf(`old 6\n\n${log.checkpoint(5)}`, held)).toBe(400);
    expect(decide(log.body(0, 6), held)).toMatchObject(E.left({ status: 409, size: 4 }));
    expect(decide(log.fork(1).body(4, 4), held)).toMatchObject(E.left({ status: 409, size: 4 }));
    expect(statusOf(log.fork(3).body(4, 6), held)).toBe(422);
    expect(statusOf(log.fork(0).body(4, 6), held)).toBe(422);
  });
});
