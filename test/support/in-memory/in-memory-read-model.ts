import * as E from 'fp-ts/lib/Either.js';
import type { ReadModel, RunSummary } from '../../../application/ports/read-model.js';
import {
  comparePositions,
  START_POSITION,
  type EventStore,
  type GlobalPosition,
  type StoredEvent,
} from '../../../domain/ports/event-store.js';
import { runStreamId } from '../../../domain/stream-names.js';
import { comparableRow } from '../../../projections/comparable-row.js';
import { applyInMemory, type InMemoryTables } from '../../../projections/in-memory-tables.js';
import { jsonbText } from '../../../projections/jsonb-text.js';
import { decodeForProjection } from '../../../projections/projected-event.js';
import { aosTracesTable, type ColumnKind } from '../../../projections/projection-tables.js';
import type { Row } from '../../../projections/row-change.js';
import { rowChangesOf } from '../../../projections/run-projection.js';
import { STEP_COLUMNS, type StoredField } from '../../../projections/stored-step-cells.js';

/** A cell as Postgres prints it (COPY text): what the Postgres read model's stepRowFields gives. */
const storedText = (kind: ColumnKind, value: Row[string] | undefined): StoredField => {
  if (value === null || value === undefined) return null;
  if (kind === 'json') return jsonbText(value);
  if (kind === 'timestamp' && typeof value === 'string') return `${value.slice(0, 23)}000Z`;
  return String(value);
};

const runSummary = (row: Row): RunSummary => ({
  run_id: String(row.run_id),
  tenant_id: String(row.tenant_id),
  agent_id: String(row.agent_id),
  goal: String(row.goal),
  origin_system_id: String(row.origin_system_id),
  budget_cents: Number(row.budget_cents),
  status: String(row.status),
  attempt: Number(row.attempt),
  plan: row.plan ?? null,
  observation: row.observation ?? null,
  error: row.error ?? null,
  created_at: String(row.created_at),
  completed_at: row.completed_at === null || row.completed_at === undefined ? null : String(row.completed_at),
  chain_length: Number(row.version),
});

/** The read model in memory, for the application's unit tests only (never a shipped path): the
 * same projections mapping, applied to maps instead of tables. */
export const inMemoryReadModel = (
  store: EventStore & { readonly events: readonly StoredEvent[] },
): ReadModel & { readonly tables: InMemoryTables } => {
  const tables: InMemoryTables = new Map();
  let checkpoint: GlobalPosition = START_POSITION;
  const rowsOf = (table: string): Row[] => [...(tables.get(table as never)?.values() ?? [])];
  const apply = (events: readonly StoredEvent[]) => {
    for (const stored of events) {
      if (comparePositions(stored.globalPosition, checkpoint) <= 0) continue;
      const projected = decodeForProjection(stored);
      if (projected._tag === 'Left') return projected;
      if (projected.right !== null)
        for (const change of rowChangesOf(projected.right)) applyInMemory(tables, change);
      checkpoint = stored.globalPosition;
    }
    return E.right(checkpoint);
  };
  const catchUp = async () => {
    const pending = store.events.filter((e) => comparePositions(e.globalPosition, checkpoint) > 0);
    return E.map((position: GlobalPosition) => ({ position, applied: pending.length }))(apply(pending));
  };
  const stepRows = (runId: string) =>
    rowsOf('aos_trace_steps')
      .filter((row) => row.run_id === runId)
      .sort((a, b) => Number(a.seq) - Number(b.seq));
  return {
    tables,
    projections: {
      checkpoint: async () => checkpoint,
      applyBatch: async (batch) => {
        const applied = apply(batch.events);
        if (applied._tag === 'Left') throw new Error(applied.left.message);
        return applied.right;
      },
      catchUp,
      waitFor: async () => E.map(() => checkpoint)(await catchUp()),
      rebuild: async () => {
        tables.clear();
        checkpoint = START_POSITION;
        return catchUp();
      },
    },
    proofReads: {
      inTurn: async (work) => E.right(await work()),
      traceRows: async (runId) =>
        rowsOf('aos_traces')
          .filter((row) => row.run_id === runId)
          .map((row) => comparableRow(aosTracesTable, row)),
      stepCount: async (runId) => stepRows(runId).length,
      stepRowFields: async function* (runId) {
        yield stepRows(runId).map((row) =>
          STEP_COLUMNS.map(([column, kind]) => storedText(kind, row[column])),
        );
      },
      sealIndex: async (tenantId, runId) => {
        const seal = rowsOf('aos_run_seals').find(
          (row) => row.run_id === runId && row.tenant_id === tenantId,
        );
        return seal === undefined ? undefined : Number(seal.ledger_index);
      },
      foreignEventAfter: async (tenantId, runId, seq) =>
        store.events.some(
          (e) => e.stream_id === runStreamId(runId) && e.seq >= seq && e.tenant_id !== tenantId,
        ),
      failureOf: () => null,
    },
    queries: {
      // The console's list, without the keyset (the unit tests hold a few runs).
      pageRuns: async (tenantId, filter, _after, limit) =>
        rowsOf('runs')
          .filter((r) => r.tenant_id === tenantId)
          .map(runSummary)
          .filter((r) => (filter.status ?? r.status) === r.status)
          .filter((r) => (filter.agent_id ?? r.agent_id) === r.agent_id)
          .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.run_id.localeCompare(a.run_id))
          .slice(0, limit)
          .map((r) => ({
            ...r,
            observed: r.observation !== null,
            step_count: null,
            cost_cents: null,
            ledger_index: null,
            cursor: { created_at: r.created_at, run_id: r.run_id },
          })),
      getRun: async (tenantId, runId) => {
        const row = rowsOf('runs').find((r) => r.run_id === runId && r.tenant_id === tenantId);
        return row === undefined ? undefined : runSummary(row);
      },
      listRuns: async (tenantId, limit) =>
        rowsOf('runs')
          .filter((r) => r.tenant_id === tenantId)
          .map(runSummary)
          .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.run_id.localeCompare(b.run_id))
          .slice(0, limit),
      completedRunsOfAgent: async (tenantId, agentId, limit) =>
        rowsOf('runs')
          .filter(
            (r) => r.tenant_id === tenantId && r.agent_id === agentId && (r.completed_at ?? null) !== null,
          )
          .map(runSummary)
          .sort(
            (a, b) =>
              (b.completed_at ?? '').localeCompare(a.completed_at ?? '') || a.run_id.localeCompare(b.run_id),
          )
          .slice(0, limit),
      listAgents: async (tenantId) =>
        rowsOf('agents')
          .filter((r) => r.tenant_id === tenantId)
          .map((r) => ({
            agent_id: String(r.agent_id),
            name: String(r.name),
            budget_cents: Number(r.budget_cents),
            planner: String((r.planner as { kind?: unknown } | null)?.kind ?? 'template'),
            steps: (r.plan_template as { steps?: unknown[] } | null)?.steps?.length ?? null,
            created_at: String(r.created_at),
          })),
      projectionStatus: async () => [],
    },
  };
};
