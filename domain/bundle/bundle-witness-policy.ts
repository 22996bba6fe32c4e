import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { WitnessPolicy } from '../witness/witness-policy.js';
import { witnessQuorum, type WitnessQuorum } from '../witness/witness-quorum.js';
import type { BundleVerdict } from './bundle-verification.js';

/** Only the tree head of a bundle (the rest was decoded by verifyBundle). */
const TreeHeadOfBundleC = t.type({ ledger: t.type({ tree_head: t.string }) });

export type PolicyVerdict = BundleVerdict & { readonly witnesses: WitnessQuorum };

/** A bundle's verdict under a witness policy: a VERIFIED bundle whose tree head is not cosigned by
 * the policy's quorum is FAILED (source `checkpoint`, field `ledger.tree_head.cosignatures`): the
 * head may be a rollback or a fork that the witnesses refused. */
export const applyWitnessPolicy = (
  document: unknown,
  verdict: BundleVerdict,
  policy: WitnessPolicy,
): PolicyVerdict => {
  const head = TreeHeadOfBundleC.decode(document);
  const witnesses = E.isRight(head)
    ? witnessQuorum(head.right.ledger.tree_head, policy)
    : { met: false, cosigned_by: [], quorum: '', reason: 'the bundle carries no tree head to be cosigned' };
  if (verdict.integrity.verification_status !== 'VERIFIED' || witnesses.met) return { ...verdict, witnesses };
  return {
    ...verdict,
    witnesses,
    integrity: {
      ...verdict.integrity,
      verification_status: 'FAILED',
      failure_reason: witnesses.reason,
      divergence: {
        source: 'checkpoint',
        seq: null,
        field: 'ledger.tree_head.cosignatures',
        expected: witnesses.quorum,
        actual: witnesses.cosigned_by.length === 0 ? null : witnesses.cosigned_by.join(','),
      },
    },
  };
};
