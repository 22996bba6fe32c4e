import { describe, expect, it } from 'vitest';
import { comparableRow } from '../../projections/comparable-row.js';
import { deriveTables, rowsOf } from '../../projections/in-memory-tables.js';
import { decodeForProjection, type ProjectedEvent } from '../../projections/projected-event.js';
import { aosTracesTable, aosTraceStepsTable } from '../../projections/projection-tables.js';
import { RUN_ID, storedRunEvents, TENANT } from '../support/run-fixtures.js';

const projected = (count?: number): ProjectedEvent[] =>
  storedRunEvents()
    .slice(0, count)
    .map((stored) => {
      const decoded = decodeForProjection(stored);
      if (decoded._tag === 'Left' || decoded.right === null) throw new Error('fixture does not decode');
      return decoded.right;
    });

describe('trace projection', () => {
  it('given RunCreated, then one aos_traces row in status created with the first link', () => {
    const [created] = storedRunEvents();
    const tables = deriveTables(projected(1));
    expect(rowsOf(tables, 'aos_traces')).toEqual([
      expect.objectContaining({
        run_id: RUN_ID,
        tenant_id: TENANT,
        status: 'created',
        started_at: null,
        chain_length: 1,
        root_hash: created?.link,
        step_count: 0,
      }),
    ]);
    expect(rowsOf(tables, 'aos_trace_steps')).toEqual([]);
    expect(rowsOf(tables, 'runs')).toEqual([
      expect.objectContaining({ run_id: RUN_ID, status: 'created', plan: null, budget_cents: 100 }),
    ]);
  });

  it('given the run started, then started_at is the RunStarted time and status running', () => {
    const events = storedRunEvents();
    const trace = rowsOf(deriveTables(projected(3)), 'aos_traces')[0];
    expect(trace).toMatchObject({
      status: 'running',
      started_at: events[2]?.recorded_at,
      chain_length: 3,
      root_hash: events[2]?.link,
    });
  });

  it('given a whole run, then one step row per StepExecuted with every column from its event', () => {
    const events = storedRunEvents();
    const tables = deriveTables(projected());
    const steps = rowsOf(tables, 'aos_trace_steps');
    expect(steps).toHaveLength(2);
    expect(steps[1]).toEqual({
      run_id: RUN_ID,
      tenant_id: TENANT,
      seq: 4,
      step_index: 1,
      skill_name: 'echo',
      params: { message: 'b' },
      status: 'succeeded',
      outcome_category: 'success',
      outcome_code: 'OK',
      outcome_data: [1, { x: null }],
      cost_cents: 3,
      duration_ms: 0.25,
      retry_count: 0,
      attempts: [],
      recorded_at: events[4]?.recorded_at,
      link: events[4]?.link,
    });
    expect(rowsOf(tables, 'aos_traces')[0]).toMatchObject({
      status: 'succeeded',
      step_count: 2,
      total_cost_cents: 5,
      chain_length: 6,
      root_hash: events[5]?.link,
      completed_at: events[5]?.recorded_at,
    });
    expect(rowsOf(tables, 'runs')[0]).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      version: 6,
      plan: expect.objectContaining({ planner: 'template' }),
    });
  });

  it('makes rows comparable: json columns as canonical text, timestamps as RFC 3339', () => {
    const step = rowsOf(deriveTables(projected()), 'aos_trace_steps')[1] ?? {};
    const fromDatabase = {
      ...step,
      recorded_at: new Date(String(step.recorded_at)),
      cost_cents: '3',
      outcome_data: [1, { x: null }],
    };
    expect(comparableRow(aosTraceStepsTable, fromDatabase)).toEqual(comparableRow(aosTraceStepsTable, step));
    expect(comparableRow(aosTraceStepsTable, step).outcome_data).toBe('[1,{"x":null}]');
    expect(comparableRow(aosTracesTable, { run_id: RUN_ID }).started_at).toBeNull();
  });

  it('refuses to project an event of a product stream that does not decode', () => {
    const [created] = storedRunEvents();
    const broken = { ...created!, data: { run_id: RUN_ID } };
    expect(decodeForProjection(broken)._tag).toBe('Left');
    expect(decodeForProjection({ ...broken, stream_id: 'someone-else-1' })).toEqual({
      _tag: 'Right',
      right: null,
    });
  });
});
