import type { ProofReads } from '../application/ports/read-model.js';
import type { RunProof } from '../application/proof/run-proof.js';
import type { ComparableRow } from '../projections/comparable-row.js';
import { comparableStepRow, STEP_COLUMNS } from '../projections/stored-step-cells.js';
import type { Divergence } from '../domain/proof/run-verification.js';
import { writeJsonWithStreamedArray } from './json-stream.js';
import { shown } from './terminal-text.js';
import { resumeCommandOf } from './use-case-failures.js';

/** The JSON columns of aos_trace_steps (params, outcome_data, attempts). */
const JSON_COLUMNS = STEP_COLUMNS.filter(([, kind]) => kind === 'json').map(([column]) => column);

/** A step row as the proof document prints it: comparableRow's cells, its JSON columns as JSON
 * values (comparableRow holds them as canonical JSON text, which parses back to the same value). */
const printedStepRow = (row: ComparableRow, sizes: WeakMap<object, number>): Record<string, unknown> => {
  const printed: Record<string, unknown> = { ...row };
  let size = 0;
  for (const column in row) size += column.length + String(row[column]).length + 32;
  for (const column of JSON_COLUMNS) {
    const cell = row[column];
    if (typeof cell === 'string') printed[column] = JSON.parse(cell) as unknown;
  }
  // The row's text is about as long as its cells' (JSON cells as text): the writer batches by it.
  sizes.set(printed, size);
  return printed;
};

/** The run's aos_trace_steps rows, in seq order, streamed. */
async function* stepRows(
  reads: ProofReads,
  runId: string,
  sizes: WeakMap<object, number>,
): AsyncGenerator<Record<string, unknown>> {
  for await (const rows of reads.stepRowFields(runId))
    for (const fields of rows) yield printedStepRow(comparableStepRow(fields), sizes);
}

/** `aos proof --json` (DESIGN.md CLI contract), written to `out` with the run's aos_trace_steps rows
 * streamed from the database: a run of any length prints in bounded memory. */
export const writeProofDocument = (
  out: NodeJS.WritableStream,
  reads: ProofReads,
  proof: RunProof,
  verifiedAt: string,
): Promise<void> => {
  const sizes = new WeakMap<object, number>();
  return writeJsonWithStreamedArray(
    out,
    {
      run_id: proof.run_id,
      tenant_id: proof.tenant_id,
      integrity: proof.integrity,
      seal: proof.seal,
      observation: proof.observation,
      trace_count: proof.aos_traces.length,
      step_count: proof.step_count,
      aos_traces: proof.aos_traces,
    },
    'aos_trace_steps',
    stepRows(reads, proof.run_id, sizes),
    { verified_at: verifiedAt },
    (row) => (typeof row === 'object' && row !== null ? (sizes.get(row) ?? null) : null),
  );
};

/** Where a proof first diverged, on one line: what it quotes of the store or the bundle is `shown`. */
export const divergenceLine = (d: Divergence): string =>
  shown(
    `divergence: source=${d.source} seq=${d.seq ?? '-'} field=${d.field} expected=${JSON.stringify(d.expected)} actual=${JSON.stringify(d.actual)}`,
  );

/** The seed's text template: the lines an operator greps for. Sealing data and failure reasons
 * come from the store: `shown`. */
export const proofLines = (proof: RunProof): string[] => {
  const i = proof.integrity;
  // A run still running or interrupted: what verifies is what was recorded so far, nothing more.
  const notComplete = proof.found && proof.seal.status === 'not_completed';
  const lines = [
    `Trace rows: ${proof.aos_traces.length}`,
    `Trace step_count: ${proof.step_count}`,
    `Integrity model: ${i.model}`,
    `Verification status: ${i.verification_status}${notComplete ? ' (so far: the run is not complete and not sealed)' : ''}`,
    `chain_length: ${i.chain_length}`,
    `root_hash: ${i.root_hash ?? '-'}`,
    `merkle_root: ${i.merkle_root ?? '-'}`,
  ];
  const o = proof.observation;
  if (o !== null)
    lines.push(
      `observed: recorded from OpenTelemetry trace ${o.trace_id} (span ${o.root_span_id}, service ${shown(o.service_name)}) after its steps ran; no plan was stored before execution`,
    );
  const seal = proof.seal;
  if (seal.status === 'sealed' && seal.late)
    lines.push(
      `seal: sealed late by ${shown(seal.late.by)} at ${shown(seal.sealed_at)}${seal.late.reason ? ` (reason: ${shown(seal.late.reason)})` : ''}, key ${shown(seal.key_id)}, tenant ledger index ${seal.ledger_index}`,
    );
  else if (seal.status === 'sealed')
    lines.push(
      `seal: sealed at ${shown(seal.sealed_at)} by key ${shown(seal.key_id)}, tenant ledger index ${seal.ledger_index}`,
    );
  else if (seal.status === 'unsealed') lines.push('seal: NONE - the run completed but has no seal');
  else if (notComplete)
    lines.push(
      `seal: NONE - the run is not complete (status ${shown(String(proof.aos_traces[0]?.status ?? 'created'))}); continue it with: ${resumeCommandOf(proof.tenant_id, proof.run_id)}`,
    );
  if (i.failure_reason) lines.push(`failure_reason: ${shown(i.failure_reason)}`);
  if (i.divergence) lines.push(divergenceLine(i.divergence));
  return lines;
};
