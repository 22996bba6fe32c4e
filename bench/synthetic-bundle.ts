import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { NewEvent } from '../domain/ports/event-store.js';
import type { Signer } from '../domain/ports/signing-keys.js';
import { BUNDLE_FORMAT } from '../domain/bundle/proof-bundle.js';
import { canonicalJson } from '../domain/json/canonical-json.js';
import { checkpointBytes } from '../domain/ledger/run-checkpoint.js';
import { signedSeal } from '../domain/ledger/run-seal.js';
import { NOTE_KEY_NAME } from '../domain/ledger/tree-head.js';
import { emptyRunStream, type RunStream } from '../domain/run/run-stream.js';
import type { RunEvent } from '../domain/run/run-events.js';
import { leafHashOfBytes } from '../domain/proof/leaf.js';
import { frontierRoot } from '../domain/proof/merkle-frontier.js';
import { toHex } from '../domain/proof/sha256.js';
import { tlogCheckpointBody } from '../domain/proof/signed-note.js';
import { benchAgent } from './planner-fixtures.js';
import { chain, decide, echoPlan, echoStep } from './run-events.js';

const BATCH = 1_000;
/** An echo message of about the length that makes a bundle some 600 bytes an event. */
const MESSAGE = `a long run, one of many steps that echo this message: ${'x'.repeat(70)}`;

/** One event as `aos export` writes it: seq, type, data (the stored canonical bytes), recorded_at, link. */
const eventLine = (seq: number, e: NewEvent): string =>
  `{"seq":${seq},"type":${JSON.stringify(e.type)},"data":${e.dataCanonical},"recorded_at":"${e.recorded_at}","link":"${e.link ?? ''}"}`;

/**
 * Writes the bundle of a completed run of `steps` echo steps to `file`, a valid sealed bundle made
 * with the domain's functions (decider, chainRunEvents, signedSeal, a tree head note) and `signer`,
 * written an event at a time so that a bundle of a million steps never sits in memory. The run is
 * a bench run that no database holds: the seal is the only entry of its tenant's ledger.
 */
export const writeSyntheticBundle = async (file: string, steps: number, signer: Signer): Promise<number> => {
  const runId = randomUUID();
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let stream: RunStream = emptyRunStream(benchAgent.tenant_id, runId);
  let seq = 0;
  const append = async (events: readonly RunEvent[]) => {
    const { toAppend, next } = chain(stream, events, new Date().toISOString());
    stream = next;
    for (const e of toAppend) await write(`${seq === 0 ? '' : ',\n'}${eventLine(seq++, e)}`);
  };
  await write(
    `{"format":"${BUNDLE_FORMAT}","tenant_id":${JSON.stringify(benchAgent.tenant_id)},"run_id":"${runId}","events":[\n`,
  );
  const create = {
    type: 'CreateRun' as const,
    run_id: runId,
    tenant_id: benchAgent.tenant_id,
    agent_id: benchAgent.agent_id,
    goal: 'a long run',
    origin_system_id: 'bench',
    agent: benchAgent,
  };
  await append(decide(stream, create));
  await append(decide(stream, { type: 'RecordPlan', plan: echoPlan(1, steps, MESSAGE) }));
  await append(decide(stream, { type: 'StartRun' }));
  for (let from = 0; from < steps; from += BATCH) {
    const batch: RunEvent[] = [];
    for (let i = from; i < Math.min(steps, from + BATCH); i++)
      batch.push({ type: 'StepExecuted', data: echoStep(i, MESSAGE) });
    await append(batch);
  }
  await append(decide(stream, { type: 'CompleteRun', status: 'succeeded' }));
  await write(`\n],\n${trailer(stream, seq, signer)}}\n`);
  out.end();
  await once(out, 'finish');
  return out.bytesWritten;
};

/** Everything after the events: the integrity, the seal, the key, the ledger of that one seal. */
const trailer = (stream: RunStream, chainLength: number, signer: Signer): string => {
  const chained = {
    tenant_id: stream.tenantId,
    run_id: stream.runId,
    chain_length: chainLength,
    root_hash: toHex(stream.lastLink),
    merkle_root: toHex(frontierRoot(stream.merkleFrontier)),
  };
  const seal = signedSeal(chained, signer, new Date().toISOString());
  const root = leafHashOfBytes(checkpointBytes(seal.checkpoint));
  const body = tlogCheckpointBody(`aos.runproof/${stream.tenantId}`, 1, root);
  if (body._tag === 'Left') throw new Error(`tree head: ${body.left.message}`);
  const rest = {
    integrity: {
      model: 'HASH_CHAIN',
      verification_status: 'VERIFIED',
      chain_length: chainLength,
      root_hash: chained.root_hash,
      merkle_root: chained.merkle_root,
    },
    checkpoint: seal.checkpoint,
    signature: seal.signature,
    public_keys: [
      {
        key_id: signer.keyId,
        algorithm: 'Ed25519',
        public_key: Buffer.from(signer.publicKey).toString('base64'),
      },
    ],
    ledger: {
      leaf_index: 0,
      tree_size: 1,
      inclusion_path: [],
      root_hash: toHex(root),
      tree_head: signer.signNote(body.right, NOTE_KEY_NAME),
    },
    exported_at: new Date().toISOString(),
  };
  return canonicalJson(rest as never).slice(1, -1);
};
