import * as E from 'fp-ts/lib/Either.js';
import type { LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import { ledgerLeaves } from '../../domain/ledger/tenant-ledger.js';
import { NOTE_KEY_NAME, treeHeadBody } from '../../domain/ledger/tree-head.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import { consistencyProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { toHex, type Hash } from '../../domain/proof/sha256.js';
import { addCheckpointRequestBody } from '../../domain/witness/add-checkpoint-request.js';
import type { ConfiguredWitness } from '../../domain/witness/configured-witnesses.js';
import { verifyCosignatures } from '../../domain/witness/cosignature.js';
import type { HeadId, LedgerHeads, LedgerHeadsError } from '../ports/ledger-heads.js';
import type { RunKeys } from '../ports/run-keys.js';
import type { WitnessClient } from '../ports/witness-client.js';
import { standingCosignatures } from './head-cosignatures.js';
import { readTenantLedger, type LedgerReadError } from './read-tenant-ledger.js';

export type CosignDeps = {
  readonly store: EventStore;
  readonly heads: LedgerHeads;
  readonly keys: RunKeys;
  readonly witnesses: readonly ConfiguredWitness[];
  readonly send: WitnessClient;
};

/** What one witness did with the head: cosigned it (now or before), could not be reached, or
 * refused it (its HTTP status and answer: 409 a head it cannot reconcile, 422 a proof it rejects). */
export type WitnessOutcome = {
  readonly witness: string;
  readonly outcome: 'cosigned' | 'unreachable' | 'refused';
  readonly detail: string | null;
};

export type CosignResult = HeadId & {
  readonly cosigned: boolean;
  readonly witnesses: readonly WitnessOutcome[];
};

export type CosignError = LedgerReadError | { readonly kind: 'heads'; readonly error: LedgerHeadsError };

type Head = HeadId & { readonly note: string; readonly body: string; readonly leaves: readonly Hash[] };

const ask = async (deps: CosignDeps, head: Head, witness: ConfiguredWitness, oldSize: number) => {
  const old = Math.min(oldSize, head.tree_size);
  const body = addCheckpointRequestBody({
    oldSize: old,
    proof: consistencyProof([...head.leaves], old),
    checkpoint: head.note,
  });
  return deps.send(witness.url, body);
};

/** Sends the head to one witness from the size it last cosigned (once more from the size a 409
 * says it holds), and keeps the cosignature it answers once it verifies with the witness key. */
const cosignWith = async (
  deps: CosignDeps,
  head: Head,
  witness: ConfiguredWitness,
): Promise<WitnessOutcome> => {
  const last = await deps.heads.lastCosignedSize(head.tenant_id, witness.name)();
  let answer = await ask(deps, head, witness, E.isRight(last) ? last.right : 0);
  const held = answer.kind === 'answered' && answer.status === 409 ? Number(answer.text.trim()) : NaN;
  if (Number.isSafeInteger(held) && held <= head.tree_size && held !== (E.isRight(last) ? last.right : 0))
    answer = await ask(deps, head, witness, held);
  if (answer.kind === 'unreachable')
    return { witness: witness.name, outcome: 'unreachable', detail: answer.message };
  if (answer.status !== 200)
    return {
      witness: witness.name,
      outcome: 'refused',
      detail: `${answer.status} ${answer.text.trim().slice(0, 300)}`,
    };
  const lines = answer.text.split('\n').filter((l) => l !== '');
  const verified = verifyCosignatures(head.body, lines, [witness.cosigner]);
  const line = lines.find((l) => l.startsWith(`\u2014 ${witness.cosigner.name} `));
  if (E.isLeft(verified) || verified.right.length === 0 || line === undefined)
    return {
      witness: witness.name,
      outcome: 'refused',
      detail: 'its answer holds no cosignature that verifies',
    };
  await deps.heads.addCosignature(head, witness.name, line)();
  return { witness: witness.name, outcome: 'cosigned', detail: null };
};

const headOf = (deps: CosignDeps, tenantId: string, ledger: readonly LedgerEntry[]): Head => {
  const leaves = ledgerLeaves(ledger);
  const body = treeHeadBody(tenantId, ledger);
  return {
    tenant_id: tenantId,
    tree_size: leaves.length,
    root_hash: toHex(merkleTreeHash(leaves)),
    note: deps.keys.signer.signNote(body, NOTE_KEY_NAME),
    body,
    leaves,
  };
};

/** The tenant ledger's head now, signed, kept and sent to every configured witness that has not
 * cosigned it; marked cosigned once all have. An unreachable or refusing witness leaves it
 * uncosigned (sent again by the next seal, or `aos-int ledger cosign`), never an error. */
export const cosignLedgerHead = async (
  deps: CosignDeps,
  tenantId: string,
): Promise<E.Either<CosignError, CosignResult>> => {
  const ledger = await readTenantLedger(deps.store, tenantId);
  if (E.isLeft(ledger)) return ledger;
  const head = headOf(deps, tenantId, ledger.right);
  const saved = await deps.heads.save(head)();
  const done = E.isRight(saved) ? await standingCosignatures(deps.heads, head) : saved;
  if (E.isLeft(done)) return E.left({ kind: 'heads', error: done.left });
  const outcomes: WitnessOutcome[] = [];
  for (const witness of deps.witnesses)
    outcomes.push(
      done.right.has(witness.name)
        ? { witness: witness.name, outcome: 'cosigned', detail: null }
        : await cosignWith(deps, head, witness),
    );
  const cosigned = outcomes.every((o) => o.outcome === 'cosigned');
  if (cosigned) await deps.heads.markCosigned(head)();
  const { tenant_id, tree_size, root_hash } = head;
  return E.right({ tenant_id, tree_size, root_hash, cosigned, witnesses: outcomes });
};
