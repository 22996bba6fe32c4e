import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { decodeLateSpanReceived } from '../../domain/observed/late-span-events.js';
import { decodeAgentEvent } from '../../domain/agent/agent-events.js';
import { canonicalJson } from '../../domain/json/canonical-json.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import { checkSeal } from '../../domain/ledger/seal-verification.js';
import { decodeLedger } from '../../domain/ledger/tenant-ledger.js';
import type { StoredEvent } from '../../domain/ports/event-store.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { decodeRunEvent } from '../../domain/run/run-events.js';
import { loadRunStream } from '../../domain/run/run-stream.js';
import { decodeForProjection } from '../../projections/projected-event.js';

/**
 * The event fixtures of docs/EVENTS.md: rows of aos_events as the built CLI stored them, under
 * test/vectors/events-v1/ (version 1 of every type) and test/vectors/events-v2/ (AgentRegistered
 * version 2, and runs.json: the rest of the runs captured with it). What the fixture tests share.
 */

export type FixtureRow = {
  readonly stream_id: string;
  readonly tenant_id: string;
  readonly seq: number;
  readonly type: string;
  /** The stored text of the payload (the bytes the chain hashes). */
  readonly data: string;
  readonly recorded_at: string;
  readonly link: string | null;
};
export type FixtureFile = {
  readonly schema_version: number;
  readonly events: readonly FixtureRow[];
  readonly public_keys?: readonly { key_id: string; public_key: string }[];
};

const VECTORS = new URL('../vectors/', import.meta.url);

/** The files of test/vectors/<dir>/, by name without `.json`. */
/** test/vectors/<dir>/: the version-1 and version-2 fixtures, and those of observed runs. */
type FixtureDirectory = 'events-v1' | 'events-v2' | 'events-observed';

export const fixtureFiles = (dir: FixtureDirectory): Map<string, FixtureFile> => {
  const folder = new URL(`${dir}/`, VECTORS);
  return new Map(
    readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .map((name) => [
        name.slice(0, -'.json'.length),
        JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as FixtureFile,
      ]),
  );
};

/** SHA-256 of each file of test/vectors/<dir>/, by file name: the fixtures are never edited. */
export const fixtureDigests = (dir: FixtureDirectory): Record<string, string> => {
  const folder = new URL(`${dir}/`, VECTORS);
  return Object.fromEntries(
    readdirSync(folder)
      .sort()
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(new URL(name, folder)))
          .digest('hex'),
      ]),
  );
};

export const storedEvent = (row: FixtureRow, i = 0): StoredEvent => ({
  ...row,
  data: JSON.parse(row.data) as unknown,
  dataCanonical: row.data,
  globalPosition: { transactionId: 1n, position: BigInt(i) },
});

export const streamOf = (rows: readonly FixtureRow[], streamId: string): StoredEvent[] =>
  rows
    .filter((row) => row.stream_id === streamId)
    .sort((a, b) => a.seq - b.seq)
    .map(storedEvent);

export const streamIds = (rows: readonly FixtureRow[], prefix: string): string[] =>
  [...new Set(rows.map((row) => row.stream_id))].filter((id) => id.startsWith(prefix));

/** The decoder of the stream the event lives in, as the product picks it (run, agent, ledger). */
export const decodeStored = (stored: StoredEvent) => {
  if (stored.stream_id.startsWith('aos-run-')) return decodeRunEvent(stored.type, stored.data);
  if (stored.stream_id.startsWith('aos-agent-')) return decodeAgentEvent(stored.type, stored.data);
  if (stored.stream_id.startsWith('aos-late-')) {
    const late = decodeLateSpanReceived(stored.type, stored.data);
    return late._tag === 'Left'
      ? late
      : { _tag: 'Right' as const, right: { type: stored.type, data: late.right } };
  }
  const ledger = decodeLedger([stored], stored.seq);
  if (ledger._tag === 'Left') throw new Error(ledger.left.message);
  const { checkpoint, signature } = ledger.right[0] ?? {};
  return { _tag: 'Right' as const, right: { type: stored.type, data: { checkpoint, signature } } };
};

/** What decodeForProjection (the projector and the proof) says is wrong with the event. */
export const projectionErrors = (stored: StoredEvent): string[] => {
  const decoded = decodeForProjection(stored);
  return decoded._tag === 'Left' ? [decoded.left.message] : [];
};

/** The row with its payload replaced (stored as JCS, like the product stores it). */
export const withPayload = (row: FixtureRow, data: Record<string, unknown>): StoredEvent =>
  storedEvent({ ...row, data: canonicalJson(data as JsonObject) });

/**
 * The runs of `runIds` verify as written: each chain (RunProof v1), the writer reloading the run
 * as completed (loadRunStream), and each run's seal in the tenant ledger of `rows` (its signature
 * with `keys`, its roots against the chain).
 */
export const expectRunsVerify = (
  rows: readonly FixtureRow[],
  runIds: readonly string[],
  keys: FixtureFile['public_keys'],
): void => {
  const [ledgerId, ...others] = streamIds(rows, 'aos-ledger-');
  expect(others).toEqual([]);
  const ledger = decodeLedger(streamOf(rows, ledgerId ?? ''));
  if (ledger._tag === 'Left') throw new Error(ledger.left.message);
  const knownKeys = new Map(
    (keys ?? []).map((k) => [k.key_id, new Uint8Array(Buffer.from(k.public_key, 'base64'))]),
  );
  for (const runId of runIds) {
    const events = streamOf(rows, `aos-run-${runId}`);
    const tenantId = events[0]?.tenant_id ?? '';

    const chain = createChainVerifier(tenantId, runId, `aos-run-${runId}`);
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
      knownKeys,
    );
    expect(check).toMatchObject({ seal: { status: 'sealed' }, failure: null });
  }
};
