import { mkdtemp, rm } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initKeys, listPublicKeys, loadSigner } from '../../adapters/keys/key-directory.js';
import { randomIds } from '../../adapters/random-ids.js';
import { builtinSkillRegistry } from '../../adapters/skills/builtin-skill-registry.js';
import { systemClock } from '../../adapters/system-clock.js';
import { createAgent } from '../../application/agents/create-agent.js';
import { cosignLedgerHead, type CosignDeps } from '../../application/ledger/cosign-ledger-head.js';
import type { RunKeys } from '../../application/ports/run-keys.js';
import type { WitnessClient } from '../../application/ports/witness-client.js';
import type { WitnessStateStore } from '../../application/ports/witness-state-store.js';
import { runAndProve } from '../../application/runs/run-and-prove.js';
import { addCheckpoint } from '../../application/witness/add-checkpoint.js';
import { templatePlanner } from '../../domain/plan/template-planner.js';
import { rawPublicKey } from '../../domain/proof/ed25519-keys.js';
import { verifierKey } from '../../domain/proof/signed-note.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { cosignatureLine } from '../../domain/witness/cosignature.js';
import type { WitnessState } from '../../domain/witness/witness-state.js';
import { parseWitnessedLogs } from '../../domain/witness/witnessed-logs.js';
import { inMemoryEventStore } from '../support/in-memory/in-memory-event-store.js';
import { inMemoryLedgerHeads } from '../support/in-memory/in-memory-ledger-heads.js';
import { inMemoryReadModel } from '../support/in-memory/in-memory-read-model.js';

/** cosignLedgerHead against the witness's own use case in memory (no HTTP): the old size the log
 * sends, the second try from the size a 409 names, and an unreachable witness. */
const TENANT = 'tenant-cosign';
let keysDirectory: string;
let keys: RunKeys;

beforeAll(async () => {
  keysDirectory = await mkdtemp(join(tmpdir(), 'aos-cosign-keys-'));
  await initKeys(keysDirectory, new Date().toISOString());
  const signer = await loadSigner(keysDirectory);
  if (E.isLeft(signer)) throw new Error(signer.left.kind);
  const records = await listPublicKeys(keysDirectory);
  keys = {
    signer: signer.right,
    knownKeys: new Map(records.map((r) => [r.key_id, Buffer.from(r.public_key, 'base64')])),
  };
});
afterAll(() => rm(keysDirectory, { recursive: true, force: true }));

/** A witness in memory, behind a WitnessClient that records the old sizes it was sent. */
const memoryWitness = (name: string) => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const cosigner = { name, rawPublicKey: E.getOrElseW(() => new Uint8Array())(rawPublicKey(privateKey)) };
  const states = new Map<string, WitnessState>();
  const store: WitnessStateStore = {
    read: async (origin) => states.get(origin) ?? null,
    write: async (state) => void states.set(state.origin, state),
    exclusive: (work) => work(),
  };
  const logKey = verifierKey('aos.runproof', keys.signer.publicKey);
  const logs = parseWitnessedLogs(`log aos.runproof/${TENANT} ${E.isRight(logKey) ? logKey.right : ''}\n`);
  if (E.isLeft(logs)) throw new Error(logs.left);
  const witness = {
    cosign: (body: string, time: number) => cosignatureLine(body, cosigner, privateKey, time),
    logs: logs.right,
    store,
    nowSeconds: () => 1_700_000_000,
  };
  const sentOld: number[] = [];
  const client: WitnessClient = async (_url, body) => {
    sentOld.push(Number(/^old (\d+)/.exec(body)?.[1]));
    const answer = await addCheckpoint(witness, new TextEncoder().encode(body));
    return E.isRight(answer)
      ? { kind: 'answered', status: 200, text: answer.right }
      : {
          kind: 'answered',
          status: answer.left.status,
          text: answer.left.status === 409 ? `${answer.left.size}\n` : answer.left.message,
        };
  };
  return { configured: { name, cosigner, url: 'http://memory' }, client, sentOld, states };
};

const sealedLedger = async (runs: number) => {
  const store = inMemoryEventStore();
  const deps = {
    store,
    readModel: inMemoryReadModel(store),
    skills: builtinSkillRegistry(),
    planner: templatePlanner,
    clock: systemClock,
    ids: randomIds,
    random: Math.random,
    secret: () => undefined,
    redaction: defaultRedactionPolicy,
  };
  const agent = await createAgent(deps, {
    tenant_id: TENANT,
    name: 'echo',
    budget_cents: 100,
    allowed_hosts: [],
    plan_template: { steps: [{ skill: 'echo', params: { message: '{{goal}}' } }] },
  });
  if (E.isLeft(agent)) throw new Error('agent');
  for (let n = 0; n < runs; n++)
    await runAndProve(
      deps,
      { tenant_id: TENANT, agent_id: agent.right.agent_id, goal: `g${n}`, origin_system_id: 'unit' },
      keys,
    );
  return store;
};

describe('cosignLedgerHead', () => {
  it('sends old 0 first; to a witness that holds a head the log did not keep, once more from the size its 409 names', async () => {
    const store = await sealedLedger(3);
    const witness = memoryWitness('w.test/1');
    const deps = (heads = inMemoryLedgerHeads()): CosignDeps => ({
      store,
      heads,
      keys,
      witnesses: [witness.configured],
      send: witness.client,
    });
    const first = await cosignLedgerHead(deps(), TENANT);
    expect(first).toMatchObject(E.right({ tree_size: 3, cosigned: true }));
    expect(witness.sentOld).toEqual([0]);
    // The log's kept heads lost (another database): it asks from 0, the witness says it holds 3.
    const again = await cosignLedgerHead(deps(), TENANT);
    expect(again).toMatchObject(E.right({ tree_size: 3, cosigned: true }));
    expect(witness.sentOld).toEqual([0, 0, 3]);
  });

  it('leaves the head uncosigned when a witness cannot be reached, and reports it', async () => {
    const store = await sealedLedger(1);
    const heads = inMemoryLedgerHeads();
    const witness = memoryWitness('w.test/2');
    const down: WitnessClient = async () => ({ kind: 'unreachable', message: 'ECONNREFUSED' });
    const result = await cosignLedgerHead(
      { store, heads, keys, witnesses: [witness.configured], send: down },
      TENANT,
    );
    expect(result).toMatchObject(
      E.right({ cosigned: false, witnesses: [{ outcome: 'unreachable', detail: 'ECONNREFUSED' }] }),
    );
    const pending = await heads.uncosigned(TENANT)();
    expect(E.isRight(pending) && pending.right.map((h) => h.tree_size)).toEqual([1]);
  });
});
