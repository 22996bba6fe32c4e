import { createChainVerifier } from './chain-verifier.js';

export type DivergenceSource = 'event_store' | 'projection' | 'checkpoint' | 'bundle';

export type Divergence = {
  readonly source: DivergenceSource;
  readonly seq: number | null;
  readonly field: string;
  readonly expected: string | number | null;
  readonly actual: string | number | null;
};

export type VerificationStatus = 'VERIFIED' | 'FAILED' | 'UNSUPPORTED';

export type RunIntegrity = {
  readonly model: 'HASH_CHAIN' | 'MERKLE_TREE';
  readonly verification_status: VerificationStatus;
  readonly chain_length: number;
  readonly root_hash: string | null;
  readonly merkle_root: string | null;
  readonly failure_reason: string | null;
  readonly divergence: Divergence | null;
};

/** An event as the verifier reads it: the envelope and the stored canonical bytes of its data. */
export type VerifiableEvent = {
  readonly stream_id: string;
  readonly tenant_id: string;
  readonly seq: number;
  readonly type: string;
  readonly dataCanonical: string;
  readonly recorded_at: string;
  readonly link: string | null;
};

type CellValue = string | number | null;
export type ComparableRows = ReadonlyArray<Readonly<Record<string, CellValue>>>;

/** Rows replay derives and rows the projections hold, for one run, in comparable form. */
export type ProjectionComparison = {
  readonly expectedTraces: ComparableRows;
  readonly actualTraces: ComparableRows;
  readonly expectedSteps: ComparableRows;
  readonly actualSteps: ComparableRows;
};

export const notFoundIntegrity: RunIntegrity = {
  model: 'HASH_CHAIN', verification_status: 'UNSUPPORTED', chain_length: 0, root_hash: null, merkle_root: null,
  failure_reason: 'run not found', divergence: null,
};

/** Steps 2 and 3 of RUNPROOF.md over events in memory (see createChainVerifier). */
export const verifyEventChain = (
  tenantId: string,
  runId: string,
  streamId: string,
  events: readonly VerifiableEvent[],
): { readonly integrity: RunIntegrity } => {
  const verifier = createChainVerifier(tenantId, runId, streamId);
  for (const event of events) verifier.push(event);
  return { integrity: verifier.integrity() };
};

const keyed = (rows: ComparableRows, key: (row: Readonly<Record<string, CellValue>>) => string) =>
  new Map(rows.map((row) => [key(row), row]));

const firstDifferentColumn = (expected: Readonly<Record<string, CellValue>>, actual: Readonly<Record<string, CellValue>>) =>
  Object.keys(expected).find((column) => expected[column] !== actual[column]);

/** Step 4 of RUNPROOF.md: the projected rows equal what replay derives, column by column, with no
 * row missing and none extra. The first divergence, in seq order, is returned. */
export const compareProjections = (c: ProjectionComparison): { readonly reason: string; readonly divergence: Divergence } | null => {
  if (c.actualTraces.length !== 1 || c.expectedTraces.length !== 1) {
    return {
      reason: c.actualTraces.length === 0 ? 'aos_traces row missing' : 'aos_traces row count differs',
      divergence: { source: 'projection', seq: null, field: 'aos_traces.rows', expected: c.expectedTraces.length, actual: c.actualTraces.length },
    };
  }
  const [expectedTrace, actualTrace] = [c.expectedTraces[0]!, c.actualTraces[0]!];
  const stepKey = (row: Readonly<Record<string, CellValue>>) => String(row.seq);
  const expectedSteps = keyed(c.expectedSteps, stepKey);
  const actualSteps = keyed(c.actualSteps, stepKey);
  const seqs = [...new Set([...expectedSteps.keys(), ...actualSteps.keys()])].sort((a, b) => Number(a) - Number(b));
  for (const seq of seqs) {
    const expected = expectedSteps.get(seq);
    const actual = actualSteps.get(seq);
    const seqNumber = Number.isFinite(Number(seq)) ? Number(seq) : null;
    if (!actual) return { reason: 'aos_trace_steps row missing', divergence: { source: 'projection', seq: seqNumber, field: 'aos_trace_steps.row', expected: 'present', actual: 'missing' } };
    if (!expected) return { reason: 'aos_trace_steps row with no StepExecuted event', divergence: { source: 'projection', seq: seqNumber, field: 'aos_trace_steps.row', expected: 'absent', actual: 'present' } };
    const column = firstDifferentColumn(expected, actual);
    if (column !== undefined) {
      return {
        reason: `aos_trace_steps.${column} differs from the event`,
        divergence: { source: 'projection', seq: seqNumber, field: `aos_trace_steps.${column}`, expected: expected[column] ?? null, actual: actual[column] ?? null },
      };
    }
  }
  const traceColumn = firstDifferentColumn(expectedTrace, actualTrace);
  if (traceColumn !== undefined) {
    return {
      reason: `aos_traces.${traceColumn} differs from replay`,
      divergence: { source: 'projection', seq: null, field: `aos_traces.${traceColumn}`, expected: expectedTrace[traceColumn] ?? null, actual: actualTrace[traceColumn] ?? null },
    };
  }
  return null;
};
