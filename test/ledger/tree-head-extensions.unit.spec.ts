import { describe, expect, it } from 'vitest';
import { NOTE_KEY_NAME, openTreeHead } from '../../domain/ledger/tree-head.js';
import { signNote, tlogCheckpointBody } from '../../domain/proof/signed-note.js';
import { generateTestKey, type TestKey } from '../bundle/sample-bundle.js';

/** What docs/RUNPROOF-FORMAT.md says a verifier accepts in a tree head: extension lines after the
 * root, and signatures by keys it does not know next to one by a key it trusts. */
const body = (extensions: string[] = []) => {
  const made = tlogCheckpointBody('aos.runproof/acme', 3, new Uint8Array(32).fill(7), extensions);
  if (made._tag === 'Left') throw new Error(made.left.message);
  return made.right;
};
const signed = (text: string, key: TestKey, name = NOTE_KEY_NAME) => {
  const note = signNote(text, name, key.privateKey, key.raw);
  if (note._tag === 'Left') throw new Error(note.left.message);
  return note.right;
};
/** The note of `first` with the signature line of `second` (same body) added. */
const cosigned = (first: string, second: string) => first + second.slice(second.lastIndexOf('\n\n') + 2);
const keysOf = (...keys: TestKey[]) => new Map(keys.map((k) => [k.keyId, k.raw]));

describe('openTreeHead: what a tree head may carry', () => {
  const trusted = generateTestKey();
  const other = generateTestKey();

  it('accepts extension lines after the root, and ignores them', () => {
    expect(openTreeHead(signed(body(['build 42', 'ext two']), trusted), keysOf(trusted))).toEqual({
      _tag: 'Right',
      right: { tenant_id: 'acme', tree_size: 3, root_hash: '07'.repeat(32), signed_by: [trusted.keyId] },
    });
  });

  it('ignores signatures by keys it does not trust, next to one it trusts', () => {
    const note = cosigned(signed(body(), trusted), signed(body(), other, 'witness.example'));
    expect(openTreeHead(note, keysOf(trusted))).toMatchObject({ right: { signed_by: [trusted.keyId] } });
    expect(openTreeHead(note, keysOf(other))).toMatchObject({ left: { kind: 'unverified_note' } });
  });

  it('refuses a head whose signature by a trusted key does not verify, whatever else signed it', () => {
    const good = signed(body(), other);
    const forged = signed(body(['forged']), trusted);
    const note = cosigned(good, forged); // trusted's signature over another body
    expect(openTreeHead(note, keysOf(trusted, other))).toMatchObject({ left: { kind: 'invalid_signature' } });
  });
});
