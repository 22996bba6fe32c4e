import { generateKeyPairSync } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applyWitnessPolicy } from '../../domain/bundle/bundle-witness-policy.js';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { rawPublicKey } from '../../domain/proof/ed25519-keys.js';
import { cosignatureLine, cosignerVerifierKey } from '../../domain/witness/cosignature.js';
import { parseWitnessPolicy, quorumMet } from '../../domain/witness/witness-policy.js';
import { copyOf, generateTestKey, sampleBundle } from '../bundle/sample-bundle.js';
import { right } from '../proof/signed-note-fixtures.js';

/** `aos verify --witness-policy`: the policy file, its k-of-n quorum, and a bundle's tree head
 * cosigned by enough, too few or forged witnesses. */
const newWitness = (name: string) => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const cosigner = { name, rawPublicKey: right(rawPublicKey(privateKey)) };
  return {
    cosigner,
    vkey: cosignerVerifierKey(cosigner),
    cosign: (body: string) => cosignatureLine(body, cosigner, privateKey, 1_700_000_000),
  };
};
const [w1, w2, w3] = [newWitness('w.test/1'), newWitness('w.test/2'), newWitness('w.test/3')];
const policyText = `# two of three\nwitness one ${w1.vkey} https://w1.test\nwitness two ${w2.vkey}\nwitness three ${w3.vkey}\ngroup g 2 one two three\nquorum g\n`;
const policy = right(parseWitnessPolicy(policyText));

describe('a witness policy', () => {
  it('meets a k-of-n quorum with k witnesses, not with fewer', () => {
    expect(quorumMet(policy, new Set(['one', 'three']))).toBe(true);
    expect(quorumMet(policy, new Set(['two']))).toBe(false);
    const all = right(
      parseWitnessPolicy(`witness a ${w1.vkey}\nwitness b ${w2.vkey}\ngroup g all a b\nquorum g\n`),
    );
    expect(quorumMet(all, new Set(['a']))).toBe(false);
    expect(quorumMet(all, new Set(['a', 'b']))).toBe(true);
  });

  it.each([
    ['no quorum', `witness a ${w1.vkey}\n`, 'no "quorum" line'],
    [
      'an unknown member',
      `witness a ${w1.vkey}\ngroup g 1 a b\nquorum g\n`,
      'line 2: group g: b is not defined above',
    ],
    ['k above n', `witness a ${w1.vkey}\ngroup g 2 a\nquorum g\n`, 'line 2'],
    [
      'a note key (0x01), not a cosignature key',
      'witness a PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n',
      'line 1',
    ],
    ['an unknown keyword', 'log x y\n', 'line 1: unknown keyword "log"'],
  ])('refuses %s, naming the line', (_name, text, message) => {
    const parsed = parseWitnessPolicy(text);
    expect(E.isLeft(parsed) && parsed.left).toContain(message);
  });
});

describe('a bundle under a witness policy', () => {
  const key = generateTestKey();
  const bundle = sampleBundle(key);
  const headBody = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1);
  const cosignedBy = (...witnesses: (typeof w1)[]) => {
    const copy = copyOf(bundle);
    if (copy.ledger === null) throw new Error('sealed sample');
    const body = headBody(copy.ledger.tree_head);
    copy.ledger.tree_head += witnesses.map((w) => w.cosign(body)).join('');
    return copy;
  };
  const check = (document: unknown) =>
    applyWitnessPolicy(document, verifyBundle(document, [key.raw]), policy);

  it('verifies when the quorum cosigned the tree head', () => {
    const verdict = check(cosignedBy(w1, w3));
    expect(verdict.integrity.verification_status).toBe('VERIFIED');
    expect(verdict.witnesses).toMatchObject({ met: true, cosigned_by: ['one', 'three'] });
  });

  it('fails, naming the quorum and who cosigned, when too few did', () => {
    const verdict = check(cosignedBy(w2));
    expect(verdict.integrity).toMatchObject({
      verification_status: 'FAILED',
      divergence: { source: 'checkpoint', field: 'ledger.tree_head.cosignatures', actual: 'two' },
    });
    expect(verdict.integrity.failure_reason).toBe(
      'the witness policy is not met: the tree head is cosigned by two, the quorum is 2 of (one, two, three)',
    );
    expect(check(bundle).integrity.failure_reason).toContain('cosigned by no witness');
  });

  it('fails when a policy witness cosigned another head (its line does not verify over this one)', () => {
    const forged = cosignedBy(w1);
    const other = copyOf(forged);
    if (other.ledger === null || forged.ledger === null) throw new Error('sealed sample');
    const otherBody = headBody(other.ledger.tree_head).replace(/\n\d+\n/, '\n999\n');
    forged.ledger.tree_head += w3.cosign(otherBody);
    expect(check(forged).integrity.verification_status).toBe('FAILED');
  });
});
