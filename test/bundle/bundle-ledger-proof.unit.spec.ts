import { beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import type { ProofBundle } from '../../domain/bundle/proof-bundle.js';
import { copyOf, generateTestKey, sampleBundle } from './sample-bundle.js';

/** A bundle whose ledger inclusion proof does not verify says why (the Merkle verifier's reason),
 * after the reason it always gave. */
describe("a bundle's ledger inclusion proof that does not verify", () => {
  let bundle: ProofBundle;
  const NOT_INCLUDED = 'the checkpoint is not included in the ledger root by this proof: ';

  beforeAll(() => {
    bundle = sampleBundle(generateTestKey());
  });

  const reasonAfter = (edit: (ledger: NonNullable<ProofBundle['ledger']>) => void) => {
    const copy = copyOf(bundle);
    edit(copy.ledger!);
    const { integrity } = verifyBundle(copy, 'embedded');
    expect(integrity.verification_status).toBe('FAILED');
    expect(integrity.divergence).toMatchObject({
      field: 'ledger.inclusion_path',
      actual: 'proof does not reach it',
    });
    return integrity.failure_reason;
  };

  it('names the root the proof leads to when a path hash is changed', () => {
    const reason = reasonAfter((ledger) => {
      ledger.inclusion_path[0] = 'f'.repeat(64);
    });
    expect(reason).toMatch(
      new RegExp(
        `^${NOT_INCLUDED}the proof leads to root [0-9a-f]{64}, expected ${bundle.ledger!.root_hash}$`,
      ),
    );
  });

  it('names the proof size the tree size needs when a path hash is removed', () => {
    expect(reasonAfter((ledger) => ledger.inclusion_path.pop())).toBe(
      `${NOT_INCLUDED}the proof has 1 hashes, the tree sizes need 2`,
    );
  });

  it('names a leaf index outside the tree', () => {
    expect(
      reasonAfter((ledger) => {
        ledger.leaf_index = ledger.tree_size;
      }),
    ).toBe(`${NOT_INCLUDED}leaf index 3 is outside a tree of 3 leaves`);
  });
});
