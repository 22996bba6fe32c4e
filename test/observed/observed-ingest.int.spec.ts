import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../../adapters/postgres/postgres-event-store.js';
import { postgresSpanStaging } from '../../adapters/postgres/postgres-span-staging.js';
import { postgresReadModel } from '../../adapters/postgres/read-model/postgres-read-model.js';
import { systemClock } from '../../adapters/system-clock.js';
import { ingestSpans } from '../../application/ingest/ingest-spans.js';
import { readLateSpans } from '../../application/ingest/late-spans.js';
import { sealDueTraces } from '../../application/ingest/seal-due-traces.js';
import { proveRun } from '../../application/proof/prove-run.js';
import { observedRunId } from '../../domain/observed/observed-ids.js';
import type { ReceivedSpan } from '../../domain/observed/received-span.js';
import { decodeRunEvent, type StepExecuted } from '../../domain/run/run-events.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { runStreamId } from '../../domain/stream-names.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { agentTrace, receivedSpan, spanId, TRACE_ID } from '../support/observed-spans.js';
import { postgresProofSources } from '../support/postgres-sources.js';
import { testSigner } from '../support/test-signer.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

const { signer, knownKeys } = testSigner();

const deps = () => {
  const store = postgresEventStore(db.pool);
  const staging = postgresSpanStaging(db.pool);
  return { store, staging, clock: systemClock, signer, redaction: defaultRedactionPolicy };
};

const ingest = async (tenant: string, spans: readonly ReceivedSpan[]) => {
  const added = await ingestSpans(deps())(tenant, spans)();
  if (E.isLeft(added)) throw new Error(JSON.stringify(added.left));
  return added.right.added;
};

const seal = async () => {
  const pass = await sealDueTraces(deps())(null);
  if (E.isLeft(pass)) throw new Error(JSON.stringify(pass.left));
  expect(pass.right.failures).toEqual([]);
  return pass.right.sealings;
};

const runEvents = async (tenant: string, runId: string) => {
  const stored = await deps().store.readStream(tenant, runStreamId(runId))();
  if (E.isLeft(stored)) throw new Error(JSON.stringify(stored.left));
  return stored.right.map((event) => {
    const decoded = decodeRunEvent(event.type, event.data);
    if (E.isLeft(decoded)) throw new Error(`event ${event.seq} does not decode`);
    return decoded.right;
  });
};

const stepsOf = async (tenant: string, runId: string): Promise<StepExecuted[]> =>
  (await runEvents(tenant, runId)).flatMap((e) => (e.type === 'StepExecuted' ? [e.data] : []));

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

describe('observed runs: spans staged, then sealed as runs', () => {
  // Given the acceptance's trace, when it is staged and sealed, then it is one run of four steps
  // in start order (the invoke_agent span is the run), one failed, sealed and VERIFIED.
  it('records an agent trace as one sealed, verified run of four steps', async () => {
    expect(await ingest('tenant-a', agentTrace())).toBe(5);
    const sealings = await seal();
    const runId = observedRunId('tenant-a', TRACE_ID, spanId(1));
    expect(sealings).toEqual([
      {
        tenant_id: 'tenant-a',
        trace_id: TRACE_ID,
        sealed: [{ run_id: runId, steps: 4 }],
        late: 0,
        waiting: 0,
      },
    ]);
    const events = await runEvents('tenant-a', runId);
    expect(events.map((e) => e.type)).toEqual([
      'RunCreated',
      'RunObserved',
      'RunStarted',
      'StepExecuted',
      'StepExecuted',
      'StepExecuted',
      'StepExecuted',
      'RunCompleted',
    ]);
    const steps = await stepsOf('tenant-a', runId);
    expect(steps.map((s) => [s.skill, s.status, s.params.model ?? null])).toEqual([
      ['otel.chat', 'succeeded', 'gpt-4o-mini'],
      ['otel.execute_tool', 'succeeded', null],
      ['otel.chat', 'succeeded', 'gpt-4o-mini'],
      ['otel.execute_tool', 'failed', null],
    ]);
    expect(steps[0]!.outcome.data).toEqual({ usage: { input_tokens: 52, output_tokens: 17 } });
    expect(steps[3]!.outcome).toMatchObject({
      code: 'TimeoutError',
      data: { status_message: 'forecast service timed out' },
    });
    expect(steps[1]!.params.tool).toEqual({ name: 'get_weather', arguments: { city: 'Lisbon' } });
    const created = events[0]!;
    expect(created.type === 'RunCreated' && created.data).toMatchObject({
      goal: 'Weather in Lisbon?',
      origin_system_id: 'weather-agent',
    });
    expect(events.at(-1)).toEqual({ type: 'RunCompleted', data: { status: 'succeeded' } });
    await postgresReadModel(db.pool, deps().store).projections.catchUp();
    const proof = await proveRun(postgresProofSources(db.pool), 'tenant-a', runId, knownKeys);
    if (E.isLeft(proof)) throw new Error(JSON.stringify(proof.left));
    expect(proof.right.integrity.verification_status).toBe('VERIFIED');
  });

  it('redacts sensitive attributes before anything is stored', async () => {
    const secret = 'sk-live-should-never-be-stored';
    expect(
      await count(`SELECT count(*) AS n FROM aos_ingest_spans WHERE span::text LIKE $1`, [`%${secret}%`]),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM aos_events WHERE data::text LIKE $1`, [`%${secret}%`]),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM aos_events WHERE data::text LIKE '%[REDACTED]%'`)).toBe(1);
  });

  it('stages the same spans sent again as nothing new, and seals nothing more', async () => {
    const before = await count('SELECT count(*) AS n FROM aos_events');
    expect(await ingest('tenant-a', agentTrace())).toBe(0);
    expect(await seal()).toEqual([]);
    expect(await count('SELECT count(*) AS n FROM aos_events')).toBe(before);
  });

  // Given the trace split in two batches sent in reverse order (children first, root last) to
  // another tenant, then the run has the same steps as the first one.
  it('gives the same run from the batch split and sent in reverse order', async () => {
    const spans = agentTrace().reverse();
    await ingest('tenant-b', spans.slice(0, 2));
    expect(await seal()).toEqual([
      { tenant_id: 'tenant-b', trace_id: TRACE_ID, sealed: [], late: 0, waiting: 2 },
    ]);
    await ingest('tenant-b', spans.slice(2));
    await seal();
    const a = await stepsOf('tenant-a', observedRunId('tenant-a', TRACE_ID, spanId(1)));
    const b = await stepsOf('tenant-b', observedRunId('tenant-b', TRACE_ID, spanId(1)));
    expect(b).toEqual(a);
  });

  it('keeps a span that arrives after its run was sealed as a late event, the run unchanged', async () => {
    const runId = observedRunId('tenant-a', TRACE_ID, spanId(1));
    const before = await runEvents('tenant-a', runId);
    await ingest('tenant-a', [receivedSpan(9, 1, 900, 10, { 'gen_ai.operation.name': 'chat' })]);
    expect(await seal()).toEqual([
      { tenant_id: 'tenant-a', trace_id: TRACE_ID, sealed: [], late: 1, waiting: 0 },
    ]);
    expect(await runEvents('tenant-a', runId)).toEqual(before);
    const late = await readLateSpans(deps().store)('tenant-a', runId)();
    expect(E.isRight(late) && late.right.map((e) => [e.run_id, e.span.span_id])).toEqual([
      [runId, spanId(9)],
    ]);
    expect(await count(`SELECT count(*) AS n FROM aos_ingest_spans WHERE state = 'late'`)).toBe(1);
  });

  // Given a run appended and sealed, when the server dies before the staging marks its spans (here:
  // the marks undone), then the next pass finds the run recorded, appends nothing, and marks them.
  it('appends nothing again for a run recorded before a crash left its spans pending', async () => {
    await ingest('tenant-c', agentTrace());
    await seal();
    const runId = observedRunId('tenant-c', TRACE_ID, spanId(1));
    const before = await count(`SELECT count(*) AS n FROM aos_events WHERE tenant_id = 'tenant-c'`);
    await db.pool.query(
      `UPDATE aos_ingest_spans SET state = 'pending', run_id = NULL WHERE tenant_id = 'tenant-c'`,
    );
    await db.pool.query(`UPDATE aos_ingest_traces SET checked_arrivals = 0 WHERE tenant_id = 'tenant-c'`);
    expect(await seal()).toEqual([
      { tenant_id: 'tenant-c', trace_id: TRACE_ID, sealed: [], late: 0, waiting: 0 },
    ]);
    expect(await count(`SELECT count(*) AS n FROM aos_events WHERE tenant_id = 'tenant-c'`)).toBe(before);
    expect(
      await count(
        `SELECT count(*) AS n FROM aos_ingest_spans WHERE tenant_id = 'tenant-c' AND state = 'sealed' AND run_id = $1`,
        [runId],
      ),
    ).toBe(5);
  });
});
