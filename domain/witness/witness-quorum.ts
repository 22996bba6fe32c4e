import * as E from 'fp-ts/lib/Either.js';
import { cosignerKeyHash, verifyCosignatures } from './cosignature.js';
import { toHex } from '../proof/sha256.js';
import type { WitnessPolicy } from './witness-policy.js';
import { describeQuorum, quorumMet } from './witness-policy.js';

/** What a tree head's cosignatures say under a policy: which policy witnesses cosigned it, and
 * whether that meets the quorum (with why not). */
export type WitnessQuorum = {
  readonly met: boolean;
  readonly cosigned_by: readonly string[];
  readonly quorum: string;
  readonly reason: string | null;
};

/** The cosignatures of a signed note (a tree head) checked against the policy's witnesses: lines
 * by other keys are ignored; a line by a policy witness that does not verify fails the quorum. */
export const witnessQuorum = (note: string, policy: WitnessPolicy): WitnessQuorum => {
  const split = note.lastIndexOf('\n\n');
  const body = split < 0 ? '' : note.slice(0, split + 1);
  const lines =
    split < 0
      ? []
      : note
          .slice(split + 2)
          .split('\n')
          .filter((l) => l !== '');
  const quorum = describeQuorum(policy);
  const named = [...policy.witnesses.entries()];
  const verified = verifyCosignatures(
    body,
    lines,
    named.map(([, c]) => c),
  );
  if (E.isLeft(verified)) return { met: false, cosigned_by: [], quorum, reason: verified.left };
  const cosigned = new Set(
    named
      .filter(([, c]) =>
        verified.right.some(
          (v) => v.name === c.name && v.keyHash === toHex(cosignerKeyHash(c.name, c.rawPublicKey)),
        ),
      )
      .map(([name]) => name),
  );
  const met = quorumMet(policy, cosigned);
  const by = [...cosigned].sort();
  return {
    met,
    cosigned_by: by,
    quorum,
    reason: met
      ? null
      : `the witness policy is not met: the tree head is cosigned by ${by.length === 0 ? 'no witness' : by.join(', ')}, the quorum is ${quorum}`,
  };
};
