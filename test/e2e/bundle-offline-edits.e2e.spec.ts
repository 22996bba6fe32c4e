import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FIRST_STEP_SEQ,
  MARKERS,
  exportedBundle,
  type Bundle,
  type Divergence,
} from './support/exported-bundle-fixture.js';

// A bundle edited by one character in each region (events, checkpoint, signature, public key,
// ledger proof, tree head): `aos verify` exits 1, FAILED, naming the place.

/** One character of `text` at `at` replaced by the next one of its alphabet (hex or base64). */
const flipChar = (text: string, at: number): string => {
  const alphabet = /^[0-9a-f]+$/.test(text)
    ? '0123456789abcdef'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const next = alphabet[(alphabet.indexOf(text[at] as string) + 1) % alphabet.length] as string;
  return text.slice(0, at) + next + text.slice(at + 1);
};
const keyIdOf = (base64: string): string =>
  createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex').slice(0, 16);

describe('aos export → aos verify bundle.json, offline', () => {
  const sealed = exportedBundle();
  const { bundle, bundleFile, verify } = sealed;

  describe('one character edited in the file: exit 1, FAILED, the divergence names the place', () => {
    const noteRootAt = (note: string): number => note.indexOf('\n', note.indexOf('\n') + 1) + 5;
    const cases: Array<[string, (b: Bundle) => void, (b: Bundle) => Divergence | Partial<Divergence>]> = [
      [
        'a hex digit of an event link',
        (b) => {
          b.events[4]!.link = flipChar(b.events[4]!.link, 20);
        },
        (b) => ({
          source: 'event_store',
          seq: 4,
          field: 'link',
          expected: bundle.events[4]!.link,
          actual: b.events[4]!.link,
        }),
      ],
      [
        "a character of an event's data string",
        (b) => {
          b.events[FIRST_STEP_SEQ]!.data.params!.message = MARKERS[0]!.replace('alpha', 'alphb');
        },
        () => ({
          source: 'event_store',
          seq: FIRST_STEP_SEQ,
          field: 'link',
          actual: bundle.events[FIRST_STEP_SEQ]!.link,
        }),
      ],
      [
        'a hex digit of checkpoint.root_hash',
        (b) => {
          b.checkpoint.root_hash = flipChar(b.checkpoint.root_hash, 7);
        },
        () => ({
          source: 'checkpoint',
          seq: null,
          field: 'signature',
          expected: 'valid Ed25519 signature',
          actual: bundle.signature,
        }),
      ],
      [
        'a base64 character of the signature',
        (b) => {
          b.signature = flipChar(b.signature, 10);
        },
        (b) => ({
          source: 'checkpoint',
          seq: null,
          field: 'signature',
          expected: 'valid Ed25519 signature',
          actual: b.signature,
        }),
      ],
      [
        'a base64 character of the public key',
        (b) => {
          b.public_keys[0]!.public_key = flipChar(b.public_keys[0]!.public_key, 10);
        },
        (b) => ({
          source: 'bundle',
          seq: null,
          field: 'public_keys.0.key_id',
          expected: keyIdOf(b.public_keys[0]!.public_key),
          actual: sealed.keyId,
        }),
      ],
      [
        'a hex digit of a ledger inclusion_path hash',
        (b) => {
          b.ledger.inclusion_path[1] = flipChar(b.ledger.inclusion_path[1]!, 40);
        },
        () => ({
          source: 'checkpoint',
          seq: null,
          field: 'ledger.inclusion_path',
          expected: bundle.ledger.root_hash,
          actual: 'proof does not reach it',
        }),
      ],
      [
        "a character of the tree head note's root",
        (b) => {
          b.ledger.tree_head = flipChar(b.ledger.tree_head, noteRootAt(b.ledger.tree_head));
        },
        () => ({
          source: 'checkpoint',
          seq: null,
          field: 'ledger.tree_head',
          expected: 'a note signed by a known key',
          actual: 'invalid_signature',
        }),
      ],
    ];

    it.each(cases)('%s', async (_name, edit, divergence) => {
      const copy = JSON.parse(sealed.exported) as Bundle;
      edit(copy);
      const text = `${JSON.stringify(copy, null, 2)}\n`;
      // The file differs from the export in exactly one character.
      expect(`${JSON.stringify(JSON.parse(sealed.exported), null, 2)}\n`).toBe(sealed.exported);
      expect(text).toHaveLength(sealed.exported.length);
      const before = [...sealed.exported];
      expect([...text].filter((c, i) => c !== before[i])).toHaveLength(1);
      const verdict = await verify(await bundleFile('edited.json', text), ['--trust-embedded-key']);
      expect(verdict.code).toBe(1);
      expect(verdict.integrity.verification_status).toBe('FAILED');
      expect(verdict.integrity.failure_reason).toEqual(expect.any(String));
      expect(verdict.integrity.divergence).toMatchObject(divergence(copy));
    });
  });
});
