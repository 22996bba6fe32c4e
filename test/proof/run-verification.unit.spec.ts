import { verifyEventChain } from '../../domain/proof/chain-verifier.js';
import { describe, expect, it } from 'vitest';
import { compareTraceRows } from '../../application/proof/step-rows-comparison.js';
import { RUN_ID, storedRunEvents, TENANT } from '../support/run-fixtures.js';

const STREAM = `aos-run-${RUN_ID}`;
const verify = (events = storedRunEvents()) => verifyEventChain(TENANT, RUN_ID, STREAM, events).integrity;

describe('event chain verification', () => {
  it('verifies an untouched run and reports its root, length and Merkle root', () => {
    const events = storedRunEvents();
    expect(verify(events)).toMatchObject({
      model: 'HASH_CHAIN',
      verification_status: 'VERIFIED',
      chain_length: 6,
      root_hash: events[5]?.link,
      divergence: null,
      failure_reason: null,
    });
    expect(verify(events).merkle_root).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the seq whose stored data changed', () => {
    const events = storedRunEvents();
    events[3] = {
      ...events[3]!,
      dataCanonical: events[3]!.dataCanonical.replace('"cost_cents":2', '"cost_cents":0'),
    };
    expect(verify(events)).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'event_store', seq: 3, field: 'link' },
    });
  });

  it("hashes the data's written text first, and JCS of the data only when that text is not the stored one", () => {
    let jcsReads = 0;
    const written = (text: (canonical: string) => string) =>
      storedRunEvents().map((e) => ({
        ...e,
        dataWritten: text(e.dataCanonical),
        get dataCanonical() {
          jcsReads += 1;
          return e.dataCanonical;
        },
      }));
    expect(verify(written((canonical) => canonical)).verification_status).toBe('VERIFIED');
    expect(jcsReads).toBe(0);
    // A writer that did not write JCS (spaces): its text gives another link, JCS decides: verified.
    expect(verify(written((canonical) => ` ${canonical}`)).verification_status).toBe('VERIFIED');
    expect(jcsReads).toBe(6);
    // The stored data changed (JCS and written text alike): the same divergence as without it.
    const events = written((canonical) => canonical);
    const changed = events[3]!.dataCanonical.replace('"cost_cents":2', '"cost_cents":0');
    events[3] = { ...storedRunEvents()[3]!, dataCanonical: changed, dataWritten: changed };
    expect(verify(events)).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'event_store', seq: 3, field: 'link' },
    });
    expect(verify(events).divergence).toEqual(
      verify(storedRunEvents().map((e, i) => (i === 3 ? { ...e, dataCanonical: changed } : e))).divergence,
    );
  });

  it('names the seq whose recorded_at changed', () => {
    const events = storedRunEvents();
    events[1] = { ...events[1]!, recorded_at: '2030-01-01T00:00:00.000Z' };
    expect(verify(events).divergence).toMatchObject({ source: 'event_store', seq: 1 });
  });

  it('detects reordered events and gaps in seq', () => {
    const events = storedRunEvents();
    expect(verify([events[0]!, events[2]!, events[1]!, ...events.slice(3)]).divergence).toMatchObject({
      source: 'event_store',
      seq: 1,
      field: 'seq',
      actual: 2,
    });
    expect(verify([...events.slice(0, 2), ...events.slice(3)]).divergence).toMatchObject({
      source: 'event_store',
      seq: 2,
      field: 'seq',
      expected: 2,
      actual: 3,
    });
  });

  it('refuses a stream that does not start with RunCreated or mixes tenants', () => {
    const events = storedRunEvents();
    expect(verify(events.slice(1).map((e, i) => ({ ...e, seq: i }))).divergence).toMatchObject({
      field: 'type',
      expected: 'RunCreated',
    });
    events[2] = { ...events[2]!, tenant_id: 'tenant-b' };
    expect(verify(events).divergence).toMatchObject({ source: 'event_store', seq: 2, field: 'tenant_id' });
  });

  it('changes the root when the tenant or run differs, so a chain cannot be moved', () => {
    const events = storedRunEvents();
    const elsewhere = verifyEventChain(
      'tenant-b',
      RUN_ID,
      STREAM,
      events.map((e) => ({ ...e, tenant_id: 'tenant-b' })),
    ).integrity;
    expect(elsewhere.divergence).toMatchObject({ source: 'event_store', seq: 0, field: 'link' });
  });
});

describe('aos_traces comparison', () => {
  const trace = { run_id: RUN_ID, status: 'succeeded', step_count: 2 };

  it('finds a changed, missing or duplicated trace row, and nothing in an equal one', () => {
    expect(compareTraceRows(trace, [trace])).toEqual({ count: null, columns: null });
    expect(compareTraceRows(trace, [{ ...trace, status: 'failed' }]).columns?.divergence).toMatchObject({
      field: 'aos_traces.status',
      seq: null,
    });
    expect(compareTraceRows(trace, []).count?.divergence).toMatchObject({
      field: 'aos_traces.rows',
      expected: 1,
      actual: 0,
    });
    expect(compareTraceRows(trace, [trace, trace]).count?.divergence).toMatchObject({
      field: 'aos_traces.rows',
      actual: 2,
    });
  });
});
