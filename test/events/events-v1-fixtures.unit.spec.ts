import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAgentEvent, type AgentRegistered } from '../../domain/agent/agent-events.js';
import { EVENT_SCHEMAS, schemaVersionOf, upcastEvent } from '../../domain/events/event-versions.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { checkSeal } from '../../domain/ledger/seal-verification.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import type { StoredEvent } from '../../domain/ports/event-store.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { decodeRunEvent, type RunEvent } from '../../domain/run/run-events.js';
import { loadRunStream } from '../../domain/run/run-stream.js';
import { decodeForProjection } from '../../projections/projected-event.js';

/**
 * docs/EVENTS.md: every event written so far is schema version 1, and this build reads it. The
 * fixtures under test/vectors/events-v1/ are rows of aos_events as `aos` stored them (two real runs,
 * their agents and their seals), one file per event type. Each must decode, through the decoders the
 * writer, the projector and the proof use, to the current type with nothing lost; and the rows
 * together must still verify as the product wrote them (chains, seals), which shows they are stored
 * bytes, not hand-made JSON.
 */

type FixtureRow = {
  readonly stream_id: string;
  readonly tenant_id: string;
  readonly seq: number;
  readonly type: string;
  /** The stored text of the payload (the bytes the chain hashes). */
  readonly data: string;
  readonly recorded_at: string;
  readonly link: string | null;
};
type FixtureFile = {
  readonly schema_version: number;
  readonly events: readonly FixtureRow[];
  readonly public_keys?: readonly { key_id: string; public_key: string }[];
};

const FIXTURES = new URL('../vectors/events-v1/', import.meta.url);
const files = new Map(
  readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [
      name.slice(0, -'.json'.length),
      JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as FixtureFile,
    ]),
);
const rows: FixtureRow[] = [...files.values()].flatMap((file) => file.events);

const storedEvent = (row: FixtureRow, i = 0): StoredEvent => ({
  ...row,
  data: JSON.parse(row.data) as unknown,
  dataCanonical: row.data,
  globalPosition: { transactionId: 1n, position: BigInt(i) },
});

const streamOf = (streamId: string): StoredEvent[] =>
  rows
    .filter((row) => row.stream_id === streamId)
    .sort((a, b) => a.seq - b.seq)
    .map(storedEvent);

const streamIds = (prefix: string): string[] =>
  [...new Set(rows.map((row) => row.stream_id))].filter((id) => id.startsWith(prefix));

/** The decoder of the stream the event lives in, as the product picks it (run, agent, ledger). */
const decodeStored = (stored: StoredEvent) => {
  if (stored.stream_id.startsWith('aos-run-')) return decodeRunEvent(stored.type, stored.data);
  if (stored.stream_id.startsWith('aos-agent-')) return decodeAgentEvent(stored.type, stored.data);
  const ledger = decodeLedger([stored], stored.seq);
  if (ledger._tag === 'Left') throw new Error(ledger.left.message);
  return { _tag: 'Right' as const, right: { type: stored.type, data: ledger.right[0] } };
};

const errorsOf = (stored: StoredEvent): string[] => {
  const decoded = decodeForProjection(stored);
  return decoded._tag === 'Left' ? [decoded.left.message] : [];
};

describe('version-1 event fixtures (test/vectors/events-v1)', () => {
  it('hold one file per event type the product writes, each with stored rows of that type only', () => {
    expect([...files.keys()].sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
    for (const [type, file] of files) {
      expect(file.schema_version).toBe(1);
      expect(file.events.length).toBeGreaterThan(0);
      for (const row of file.events) expect(row.type).toBe(type);
    }
  });

  it.each(rows.map((row) => [row.type, row.stream_id, row.seq, row] as const))(
    'reads %s (%s, seq %i) as version 1, and the upcast leaves it unchanged',
    (_type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      expect(canonicalJson(stored.data as JsonObject)).toBe(row.data); // stored as JCS, as written
      expect(row.data).not.toContain('"schema_version"');
      expect(schemaVersionOf(stored.data)).toBe(1);
      const upcast = upcastEvent(row.type, stored.data);
      expect(upcast).toEqual({ _tag: 'Right', right: stored.data });
      expect(upcast._tag === 'Right' && upcast.right).toBe(stored.data); // identity: the same object
    },
  );

  it.each(rows.map((row) => [row.type, row.stream_id, row.seq, row] as const))(
    'decodes %s (%s, seq %i) to its current type with nothing lost, for the projector and the proof too',
    (type, _stream, _seq, row) => {
      const stored = storedEvent(row);
      const decoded = decodeStored(stored);
      expect(decoded._tag === 'Left' ? describeDecodeErrors(decoded.left) : []).toEqual([]);
      if (decoded._tag === 'Left') return;
      expect(decoded.right.type).toBe(type);
      // Every field of the stored payload is in the decoded event, and nothing else.
      const data =
        type === 'RunSealed'
          ? {
              checkpoint: (decoded.right.data as { checkpoint: unknown }).checkpoint,
              signature: (decoded.right.data as { signature: unknown }).signature,
            }
          : decoded.right.data;
      expect(data).toEqual(stored.data);

      const projected = decodeForProjection(stored);
      expect(errorsOf(stored)).toEqual([]);
      expect(projected._tag === 'Right' && projected.right?.event.type).toBe(type);
    },
  );

  it('still verifies as written: every run chain, the writer reloads each run, and each seal holds', () => {
    const [ledgerId, ...others] = streamIds('aos-ledger-');
    expect(others).toEqual([]);
    const ledger = decodeLedger(streamOf(ledgerId ?? ''));
    if (ledger._tag === 'Left') throw new Error(ledger.left.message);
    const keys = new Map(
      (files.get('RunSealed')?.public_keys ?? []).map((k) => [
        k.key_id,
        new Uint8Array(Buffer.from(k.public_key, 'base64')),
      ]),
    );
    const runs = streamIds('aos-run-');
    expect(runs).toHaveLength(2);
    for (const streamId of runs) {
      const runId = streamId.slice('aos-run-'.length);
      const events = streamOf(streamId);
      const tenantId = events[0]?.tenant_id ?? '';

      const chain = createChainVerifier(tenantId, runId, streamId);
      for (const event of events) chain.push(event);
      const integrity = chain.integrity();
      expect(integrity).toMatchObject({ verification_status: 'VERIFIED', chain_length: events.length });

      const reloaded = loadRunStream(tenantId, runId, events);
      if (reloaded._tag === 'Left') throw new Error(JSON.stringify(reloaded.left));
      expect(reloaded.right.state.status).toBe('completed');
      expect(reloaded.right.version).toBe(events.length);

      const seal = ledger.right.find((entry) => entry.checkpoint.run_id === runId);
      expect(seal).toBeDefined();
      const check = checkSeal(
        tenantId,
        runId,
        {
          chain_length: integrity.chain_length,
          root_hash: integrity.root_hash ?? '',
          merkle_root: integrity.merkle_root ?? '',
          completed: true,
        },
        seal ? { checkpoint: seal.checkpoint, signature: seal.signature, ledger_index: seal.index } : null,
        keys,
      );
      expect(check).toMatchObject({ seal: { status: 'sealed' }, failure: null });
    }
  });

  it('reads the agents the runs were made with', () => {
    for (const streamId of streamIds('aos-agent-')) {
      const [registered] = streamOf(streamId);
      const decoded = registered && decodeAgentEvent(registered.type, registered.data);
      if (decoded?._tag !== 'Right') throw new Error(`${streamId} does not decode`);
      const agent: AgentRegistered = decoded.right.data;
      expect(`aos-agent-${agent.agent_id}`).toBe(streamId);
    }
  });

  it('reads the events of the RunProof vector (test/vectors/runproof-v1.json) as version 1 too', () => {
    const vector = JSON.parse(
      readFileSync(new URL('../vectors/runproof-v1.json', import.meta.url), 'utf8'),
    ) as { events: { type: string; data: unknown }[] };
    const decoded = vector.events.map((e) => decodeRunEvent(e.type, e.data));
    expect(decoded.flatMap((d) => (d._tag === 'Left' ? describeDecodeErrors(d.left) : []))).toEqual([]);
    expect(decoded.map((d) => d._tag === 'Right' && (d.right satisfies RunEvent).type)).toEqual(
      vector.events.map((e) => e.type),
    );
  });

  describe('a fixture changed to a shape this build does not know is refused, not guessed at', () => {
    const step = rows.find((row) => row.type === 'StepExecuted');
    if (!step) throw new Error('no StepExecuted fixture');
    const payload = JSON.parse(step.data) as Record<string, unknown>;
    const variant = (data: Record<string, unknown>): StoredEvent =>
      storedEvent({ ...step, data: canonicalJson(data as JsonObject) });

    it.each([
      ['an unknown field', { ...payload, surprise: true }, /surprise/],
      ['a required field renamed', { ...payload, skill: undefined, skill_name: 'echo' }, /skill/],
      ['a newer schema version', { ...payload, schema_version: 2 }, /version 2 was written by a newer build/],
      ['version 1 spelt out', { ...payload, schema_version: 1 }, /a version 1 event has no schema_version/],
      ['a malformed version', { ...payload, schema_version: '2' }, /expected an integer >= 2/],
    ])('%s', (_what, data, message) => {
      const stored = variant(JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
      const decoded = decodeRunEvent(stored.type, stored.data);
      expect(decoded._tag).toBe('Left');
      expect(decoded._tag === 'Left' && describeDecodeErrors(decoded.left).join('; ')).toMatch(message);
      expect(errorsOf(stored).join('; ')).toMatch(message);
    });

    it('for the agent and ledger decoders too', () => {
      const agent = rows.find((row) => row.type === 'AgentRegistered');
      const seal = rows.find((row) => row.type === 'RunSealed');
      if (!agent || !seal) throw new Error('fixtures missing');
      const newer = (row: FixtureRow) =>
        storedEvent({
          ...row,
          data: canonicalJson({ ...(JSON.parse(row.data) as JsonObject), schema_version: 2 }),
        });
      expect(decodeAgentEvent(agent.type, newer(agent).data)._tag).toBe('Left');
      const ledger = decodeLedger([newer(seal)], seal.seq);
      expect(ledger._tag === 'Left' && ledger.left.message).toMatch(/written by a newer build/);
      expect(errorsOf(newer(agent))).toHaveLength(1);
      expect(errorsOf(newer(seal))).toHaveLength(1);
    });
  });
});
