import { describe, expect, it } from 'vitest';
import type { CopyField } from '../../adapters/postgres/copy-text-format.js';
import { createStepRowsComparison } from '../../application/proof/step-rows-comparison.js';

// Given the rows replay derives and the stored rows as COPY prints them (fields in the column
// order of aos_trace_steps, jsonb in Postgres's own layout, timestamps as exact UTC text), when
// they are merged in seq order, then the first divergence is named, and a stored cell that holds
// the derived value in another text is no divergence.
const RUN = '0b3c2f9e-6d1a-4c55-9a51-2f6f0c7e8a10';

const derived = (seq: number, changes: Record<string, unknown> = {}) => ({
  run_id: RUN,
  tenant_id: 't1',
  seq,
  step_index: seq - 3,
  skill_name: 'echo',
  params: { message: 'hi', n: 1 },
  status: 'succeeded',
  outcome_category: 'success',
  outcome_code: 'OK',
  outcome_data: { message: 'hi' },
  cost_cents: 2,
  duration_ms: 0.05,
  retry_count: 0,
  attempts: [],
  recorded_at: '2026-11-25T17:15:16.387Z',
  link: `l${seq}`,
  ...changes,
});

const COLUMNS = [
  'run_id',
  'tenant_id',
  'seq',
  'step_index',
  'skill_name',
  'params',
  'status',
  'outcome_category',
  'outcome_code',
  'outcome_data',
  'cost_cents',
  'duration_ms',
  'retry_count',
  'attempts',
  'recorded_at',
  'link',
];

/** The stored row of derived(seq) as Postgres prints it, with some fields printed otherwise. */
const stored = (seq: number, changes: Record<string, CopyField> = {}): CopyField[] => {
  const printed: Record<string, CopyField> = {
    run_id: RUN,
    tenant_id: 't1',
    seq: String(seq),
    step_index: String(seq - 3),
    skill_name: 'echo',
    params: '{"n": 1, "message": "hi"}',
    status: 'succeeded',
    outcome_category: 'success',
    outcome_code: 'OK',
    outcome_data: '{"message": "hi"}',
    cost_cents: '2',
    duration_ms: '0.05',
    retry_count: '0',
    attempts: '[]',
    recorded_at: '2026-11-25T17:15:16.387000Z',
    link: `l${seq}`,
    ...changes,
  };
  return COLUMNS.map((column) => printed[column] ?? null);
};

async function* batches(rows: CopyField[][], size: number): AsyncGenerator<CopyField[][]> {
  yield [];
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const compare = async (expected: ReturnType<typeof derived>[], actual: CopyField[][], batchSize = 2) => {
  const comparison = createStepRowsComparison(batches(actual, batchSize));
  for (const row of expected) await comparison.expect(row);
  return (await comparison.finish())?.divergence ?? null;
};

describe('aos_trace_steps comparison (merge join on seq, as the streaming proof runs it)', () => {
  it('finds nothing when every row matches, whatever the batches', async () => {
    const seqs = [3, 4, 5, 6, 7];
    for (const size of [1, 2, 5, 10])
      expect(
        await compare(
          seqs.map((s) => derived(s)),
          seqs.map((s) => stored(s)),
          size,
        ),
      ).toBeNull();
  });

  it('takes a float printed otherwise but the same double, and SQL NULL (only) for no value', async () => {
    expect(await compare([derived(3)], [stored(3, { duration_ms: '5e-2' })])).toBeNull();
    expect(
      await compare([derived(3, { outcome_data: null })], [stored(3, { outcome_data: null })]),
    ).toBeNull();
    expect(
      await compare([derived(3, { outcome_data: null })], [stored(3, { outcome_data: 'null' })]),
    ).toMatchObject({ field: 'aos_trace_steps.outcome_data', expected: null, actual: 'null' });
  });

  it('finds a jsonb number with digits a parsed number would lose, and shows the stored text', async () => {
    expect(
      await compare([derived(3, { params: { n: 0.1 } })], [stored(3, { params: '{"n": 0.1}' })]),
    ).toBeNull();
    expect(
      await compare(
        [derived(3, { params: { n: 0.1 } })],
        [stored(3, { params: '{"n": 0.10000000000000000001}' })],
      ),
    ).toEqual({
      source: 'projection',
      seq: 3,
      field: 'aos_trace_steps.params',
      expected: '{"n":0.1}',
      actual: '{"n": 0.10000000000000000001}',
    });
    expect(await compare([derived(3)], [stored(3, { params: '{"n": 1.0, "message": "hi"}' })])).toMatchObject(
      { field: 'aos_trace_steps.params', actual: '{"n": 1.0, "message": "hi"}' },
    );
  });

  it('names the changed column with both values, in comparable form', async () => {
    expect(await compare([derived(3), derived(4)], [stored(3), stored(4, { status: 'failed' })])).toEqual({
      source: 'projection',
      seq: 4,
      field: 'aos_trace_steps.status',
      expected: 'succeeded',
      actual: 'failed',
    });
    expect(await compare([derived(3)], [stored(3, { params: '{"n": 2, "message": "hi"}' })])).toEqual({
      source: 'projection',
      seq: 3,
      field: 'aos_trace_steps.params',
      expected: '{"message":"hi","n":1}',
      actual: '{"message":"hi","n":2}',
    });
    expect(await compare([derived(3)], [stored(3, { cost_cents: '3' })])).toMatchObject({
      field: 'aos_trace_steps.cost_cents',
      expected: 2,
      actual: 3,
    });
    expect(await compare([derived(3)], [stored(3, { outcome_code: null })])).toMatchObject({
      field: 'aos_trace_steps.outcome_code',
      expected: 'OK',
      actual: null,
    });
    expect(await compare([derived(3)], [stored(3, { attempts: '[{"attempt": 1}]' })])).toMatchObject({
      field: 'aos_trace_steps.attempts',
    });
  });

  it('finds a timestamp moved by a microsecond', async () =>
    expect(
      await compare([derived(3)], [stored(3, { recorded_at: '2026-11-25T17:15:16.387001Z' })]),
    ).toMatchObject({
      field: 'aos_trace_steps.recorded_at',
      expected: '2026-11-25T17:15:16.387Z',
      actual: '2026-11-25T17:15:16.387001Z',
    }));

  it('finds a deleted step row and a hand-inserted one, in seq order', async () => {
    expect(await compare([derived(3), derived(4)], [stored(4)])).toMatchObject({
      seq: 3,
      expected: 'present',
      actual: 'missing',
    });
    expect(await compare([derived(3), derived(4)], [stored(3), stored(4), stored(9)])).toMatchObject({
      seq: 9,
      expected: 'absent',
      actual: 'present',
    });
    expect(await compare([derived(3), derived(4)], [stored(-1), stored(3), stored(4)])).toMatchObject({
      seq: -1,
      expected: 'absent',
      actual: 'present',
    });
    expect(await compare([derived(3), derived(5)], [stored(3), stored(4), stored(5)])).toMatchObject({
      seq: 4,
      expected: 'absent',
      actual: 'present',
    });
    expect(await compare([derived(3), derived(4)], [])).toMatchObject({ seq: 3, actual: 'missing' });
  });

  it('keeps the first divergence only', async () =>
    expect(
      await compare([derived(3), derived(4)], [stored(3, { status: 'failed' }), stored(9)]),
    ).toMatchObject({ seq: 3, field: 'aos_trace_steps.status' }));
});
