import { describe, expect, it } from 'vitest';
import { runIdForIdempotencyKey } from '../../domain/run/idempotency-key.js';
import { jsonOf, runCli, type CliResult } from '../support/cli.js';
import { tableCounts } from '../support/cli-fixtures.js';
import { runEvents, typesOf } from '../support/run-inspection.js';
import {
  STEP_TYPES,
  TENANT,
  concurrentWriters,
  type ErrorJson,
  type RunJson,
} from './support/concurrent-writers-fixture.js';

/** `aos run --idempotency-key`: one run per key, whether the key comes twice in a row or from two
 * processes at the same moment; a key reused with other inputs, or malformed, is refused. */
describe('concurrent writers of one run: exactly one goes on, the other appends nothing', () => {
  const writers = concurrentWriters();
  const { db, env, gate, spawn, expectOneWriterFinished } = writers;

  const eventCounts = async () =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM aos_events')).rows[0]?.n;

  describe('aos run --idempotency-key', () => {
    const runWithKey = async (key: string, goal = 'keyed goal', extra: string[] = []) => {
      const result = await runCli(
        'aos',
        [
          'run',
          '--tenant-id',
          TENANT,
          '--agent-id',
          writers.agentId,
          '--goal',
          goal,
          '--idempotency-key',
          key,
          '--json',
          ...extra,
        ],
        env,
      );
      return { result, json: jsonOf<RunJson & ErrorJson>(result) };
    };

    it('creates one run for a key used twice in a row: the second call returns it, created false, executing nothing', async () => {
      const key = `order-42:${'!~#'.repeat(60)}${'k'.repeat(11)}`; // 200 printable ASCII characters
      expect(key).toHaveLength(200);
      const first = await runWithKey(key);
      expect(first.result.code, first.result.stderr).toBe(0);
      expect(first.json).toMatchObject({
        run_id: runIdForIdempotencyKey(TENANT, key),
        status: 'succeeded',
        created: true,
        idempotency_key: key,
      });
      const before = await eventCounts();
      const second = await runWithKey(key);
      expect(second.result.code, second.result.stderr).toBe(0);
      expect(second.json).toMatchObject({
        run_id: first.json.run_id,
        status: 'succeeded',
        created: false,
        integrity: { verification_status: 'VERIFIED' },
      });
      expect(second.result.stderr).toBe('');
      expect(second.json).toMatchObject({ note: expect.stringContaining('nothing was executed again') });
      expect(first.json).not.toHaveProperty('note');
      expect(await eventCounts()).toBe(before);
      expect(
        typesOf(await runEvents(db.pool, first.json.run_id)).filter((t) => t === 'RunCreated'),
      ).toHaveLength(1);
    });

    it('creates one run for a key sent by two processes at the same moment', async () => {
      const key = 'nightly-2024-06-01';
      await gate.hold('RunCreated', 0);
      const both = [0, 1].map(() =>
        spawn(['run', '--agent-id', writers.agentId, '--goal', 'keyed goal', '--idempotency-key', key]),
      );
      await gate.waiters(2); // both found no run under the key and are appending RunCreated
      await gate.release();
      const results = await Promise.all(both.map((c) => c.done));
      const docs = results.map((r) => jsonOf<RunJson>(r));
      const runId = runIdForIdempotencyKey(TENANT, key);
      expect(docs.map((d) => d.run_id)).toEqual([runId, runId]);
      expect(docs.map((d) => d.created).sort()).toEqual([false, true]);
      const winner = results[docs.findIndex((d) => d.created)] as CliResult;
      const loser = results[docs.findIndex((d) => !d.created)] as CliResult;
      expect(winner.code, winner.stderr).toBe(0);
      expect(jsonOf<RunJson>(winner).status).toBe('succeeded');
      // The loser met the run while the winner was still executing it (a wait step is in the plan).
      expect({ code: loser.code, status: jsonOf<RunJson>(loser).status }).toEqual({
        code: 1,
        status: 'in_progress',
      });
      const events = await expectOneWriterFinished(runId, [1]);
      expect(typesOf(events)).toEqual([
        'RunCreated',
        'RunPlanned',
        'RunStarted',
        ...STEP_TYPES,
        'RunCompleted',
      ]);
      const later = await runWithKey(key);
      expect({ code: later.result.code, created: later.json.created, status: later.json.status }).toEqual({
        code: 0,
        created: false,
        status: 'succeeded',
      });
    });

    it.each([
      ['a different goal', 'goal', ['other goal', []]],
      ['a different budget', 'budget_cents', ['keyed goal', ['--budget-cents', '7']]],
    ] as const)(
      'refuses the key with %s: exit 2 naming idempotency-key, nothing written',
      async (_label, field, [goal, extra]) => {
        const key = `reused-${field}`;
        const first = await runWithKey(key);
        expect(first.result.code, first.result.stderr).toBe(0);
        const before = await tableCounts(db.pool);
        const again = await runWithKey(key, goal, [...extra]);
        expect(again.result.code).toBe(2);
        expect(again.json.error).toEqual({
          code: 'invalid_input',
          field: 'idempotency-key',
          message: `--idempotency-key: is already used by run ${first.json.run_id} with a different ${field}; nothing was written`,
        });
        expect(await tableCounts(db.pool)).toEqual(before);
      },
    );

    it.each([
      ['empty', '', 'must not be empty'],
      ['with a space', 'two words', 'expected printable ASCII without spaces'],
      ['with a control character', 'tab\there', 'expected printable ASCII without spaces'],
      ['of 201 characters', 'k'.repeat(201), 'must be at most 200 characters (got 201)'],
    ])('refuses a key %s: exit 2, nothing written', async (_label, key, message) => {
      const before = await tableCounts(db.pool);
      const refused = await runWithKey(key);
      expect(refused.result.code).toBe(2);
      expect(refused.json.error).toEqual({
        code: 'invalid_input',
        field: 'idempotency-key',
        message: `--idempotency-key: ${message}`,
      });
      expect(await tableCounts(db.pool)).toEqual(before);
    });
  });
});
