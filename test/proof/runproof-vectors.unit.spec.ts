import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, utf8 } from '../../domain/json/canonical-json.js';
import { JsonObjectC } from '../../domain/json/json-value.js';
import { genesisLink, nextLink } from '../../domain/proof/hash-chain.js';
import { leafHash, leafText } from '../../domain/proof/leaf.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { toHex } from '../../domain/proof/sha256.js';
import { createHash } from 'node:crypto';

type VectorEvent = {
  tenant_id: string;
  run_id: string;
  seq: number;
  type: string;
  data: unknown;
  recorded_at: string;
  leaf_bytes: string;
  leaf_hash: string;
  link: string;
};
type Vector = {
  tenant_id: string;
  run_id: string;
  genesis: string;
  events: VectorEvent[];
  chain_length: number;
  root_hash: string;
  merkle_root: string;
  merkle_roots_of_prefixes: string[];
};

const vector = JSON.parse(
  readFileSync(new URL('../vectors/runproof-v1.json', import.meta.url), 'utf8'),
) as Vector;

const leafInputOf = (e: VectorEvent) => {
  const data = JsonObjectC.decode(e.data);
  if (data._tag === 'Left') throw new Error(`vector event ${e.seq} data is not plain JSON`);
  return { ...e, dataCanonical: canonicalJson(data.right) };
};

describe('RunProof v1 test vector', () => {
  it('reproduces the genesis link', () => {
    expect(toHex(genesisLink(vector.tenant_id, vector.run_id))).toBe(vector.genesis);
  });

  it.each(vector.events.map((e) => [e.seq, e] as const))(
    'reproduces leaf_bytes and leaf_hash of event %i',
    (_seq, e) => {
      const input = leafInputOf(e);
      expect(leafText(input)).toBe(e.leaf_bytes);
      // the spliced leaf text equals canonicalizing the whole envelope
      expect(leafText(input)).toBe(
        canonicalJson({
          v: 1,
          tenant_id: e.tenant_id,
          run_id: e.run_id,
          seq: e.seq,
          type: e.type,
          data: JsonObjectC.is(e.data) ? e.data : {},
          recorded_at: e.recorded_at,
        }),
      );
      expect(toHex(leafHash(input))).toBe(e.leaf_hash);
      // independent of our code: H(0x00 || leaf_bytes)
      expect(
        createHash('sha256')
          .update(Buffer.from([0]))
          .update(utf8(e.leaf_bytes))
          .digest('hex'),
      ).toBe(e.leaf_hash);
    },
  );

  it('reproduces every link, the root hash and the chain length', () => {
    let link = genesisLink(vector.tenant_id, vector.run_id);
    const links: string[] = [];
    for (const e of vector.events) {
      link = nextLink(link, leafHash(leafInputOf(e)));
      links.push(toHex(link));
    }
    expect(links).toEqual(vector.events.map((e) => e.link));
    expect(links.length).toBe(vector.chain_length);
    expect(links[links.length - 1]).toBe(vector.root_hash);
  });

  it('reproduces the Merkle root and the root of every prefix', () => {
    const leaves = vector.events.map((e) => leafHash(leafInputOf(e)));
    expect(toHex(merkleTreeHash(leaves))).toBe(vector.merkle_root);
    expect(vector.merkle_roots_of_prefixes.length).toBe(leaves.length);
    vector.merkle_roots_of_prefixes.forEach((root, i) => {
      expect(toHex(merkleTreeHash(leaves.slice(0, i + 1)))).toBe(root);
    });
  });

  it('changes the leaf hash when any byte of the data changes', () => {
    const first = vector.events[0] as VectorEvent;
    const input = leafInputOf(first);
    const tampered = { ...input, dataCanonical: input.dataCanonical.replace('500', '501') };
    expect(toHex(leafHash(tampered))).not.toBe(first.leaf_hash);
  });
});
