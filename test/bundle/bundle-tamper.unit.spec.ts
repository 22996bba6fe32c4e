import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  verifyBundle,
  verifyDecodedBundle,
  type BundleChain,
  type BundleTrust,
  type BundleVerdict,
} from '../../domain/bundle/bundle-verification.js';
import { verifiableEvent } from '../../domain/bundle/verifiable-bundle-event.js';
import { ProofBundleC, type ProofBundle } from '../../domain/bundle/proof-bundle.js';
import { createChainVerifier } from '../../domain/proof/chain-verifier.js';
import { runStreamId } from '../../domain/stream-names.js';
import type { Divergence } from '../../domain/proof/run-verification.js';
import { copyOf, generateTestKey, sampleBundle, type TestKey } from './sample-bundle.js';

/**
 * The acceptance check of the offline verifier: every single-character edit of a sealed run's
 * bundle is FAILED, with a divergence naming where the edit was. Every character of every hash,
 * link, key_id (all 15 other hex digits), signature and public key (all 63 other base64
 * characters), of the signed tree head note, of every string and number inside every event's data
 * and of every envelope, checkpoint, integrity and ledger field. `exported_at` is left out: it is
 * unsigned metadata that no verdict depends on.
 *
 * Some 64,000 verifications, each two Ed25519 signature checks and the whole event chain, took
 * most of a minute of CPU. Two things make it cheap without leaving an edit out or changing what
 * is checked:
 * - Ed25519 verification is a pure function of (key, message, signature): its answers are kept
 *   (memoized below), so a verification pays only for the signatures an edit actually changed,
 *   not again for the untouched one (an edit of the tree head still re-checks the tree head's
 *   signature; the seal's, unchanged, is answered from the first time).
 * - verifyBundle is, by its definition, decode, then the chain verifier over tenant_id, run_id and
 *   the events, then verifyDecodedBundle. An edit outside those three leaves the chain's result as
 *   it was: for those, the edited document is decoded and given to verifyDecodedBundle with the
 *   original chain's result. A document that does not decode takes the whole verifyBundle.
 */

vi.mock('../../domain/proof/ed25519-keys.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../domain/proof/ed25519-keys.js')>();
  const answers = new Map<string, boolean>();
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  return {
    ...actual,
    verifyEd25519: (raw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
      const id = `${hex(raw)}:${hex(signature)}:${hex(message)}`;
      const known = answers.get(id);
      if (known !== undefined) return known;
      const answer = actual.verifyEd25519(raw, message, signature);
      answers.set(id, answer);
      return answer;
    },
  };
});

type Path = readonly (string | number)[];
type Region =
  'format' | 'ids' | 'events' | 'integrity' | 'checkpoint' | 'signature' | 'public_keys' | 'ledger';
type Kind = 'hex' | 'base64' | 'note' | 'text' | 'number';
type Target = { readonly region: Region; readonly path: Path; readonly kind: Kind };
type Edit = {
  readonly target: Target;
  readonly position: number;
  readonly from: string;
  readonly to: string;
  readonly value: string | number;
};

const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The string and number leaves of a JSON value, with their paths. */
const leaves = (value: unknown, path: Path): Array<{ path: Path; kind: 'text' | 'number' }> => {
  if (typeof value === 'string') return [{ path, kind: 'text' }];
  if (typeof value === 'number') return [{ path, kind: 'number' }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
};

const targetsOf = (bundle: ProofBundle): Target[] => {
  const t = (region: Region, kind: Kind, ...path: Path): Target => ({ region, path, kind });
  return [
    t('format', 'text', 'format'),
    t('ids', 'text', 'tenant_id'),
    t('ids', 'text', 'run_id'),
    ...bundle.events.flatMap((e, i) => [
      t('events', 'number', 'events', i, 'seq'),
      t('events', 'text', 'events', i, 'type'),
      t('events', 'text', 'events', i, 'recorded_at'),
      t('events', 'hex', 'events', i, 'link'),
      ...leaves(e.data, ['events', i, 'data']).map((l) => ({ region: 'events' as const, ...l })),
    ]),
    t('integrity', 'text', 'integrity', 'model'),
    t('integrity', 'text', 'integrity', 'verification_status'),
    t('integrity', 'number', 'integrity', 'chain_length'),
    t('integrity', 'hex', 'integrity', 'root_hash'),
    t('integrity', 'hex', 'integrity', 'merkle_root'),
    t('checkpoint', 'number', 'checkpoint', 'v'),
    t('checkpoint', 'text', 'checkpoint', 'kind'),
    t('checkpoint', 'text', 'checkpoint', 'tenant_id'),
    t('checkpoint', 'text', 'checkpoint', 'run_id'),
    t('checkpoint', 'number', 'checkpoint', 'chain_length'),
    t('checkpoint', 'hex', 'checkpoint', 'root_hash'),
    t('checkpoint', 'hex', 'checkpoint', 'merkle_root'),
    t('checkpoint', 'text', 'checkpoint', 'sealed_at'),
    t('checkpoint', 'hex', 'checkpoint', 'key_id'),
    t('signature', 'base64', 'signature'),
    t('public_keys', 'hex', 'public_keys', 0, 'key_id'),
    t('public_keys', 'text', 'public_keys', 0, 'algorithm'),
    t('public_keys', 'base64', 'public_keys', 0, 'public_key'),
    t('ledger', 'number', 'ledger', 'leaf_index'),
    t('ledger', 'number', 'ledger', 'tree_size'),
    ...(bundle.ledger?.inclusion_path ?? []).map((_, j) => t('ledger', 'hex', 'ledger', 'inclusion_path', j)),
    t('ledger', 'hex', 'ledger', 'root_hash'),
    t('ledger', 'note', 'ledger', 'tree_head'),
  ];
};

const read = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
const write = (root: unknown, path: Path, value: unknown): void => {
  const parent = read(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
};

/** A different character of the same kind, for text and numbers: one per position. */
const rotate = (c: string): string => {
  for (const alphabet of ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789']) {
    const i = alphabet.indexOf(c);
    if (i >= 0) return alphabet[(i + 1) % alphabet.length] as string;
  }
  return c === 'x' ? 'y' : 'x';
};

const alternatives = (kind: Kind, c: string): string[] => {
  const others = (alphabet: string) => [...alphabet].filter((a) => a !== c);
  if (kind === 'hex') return others(HEX);
  if (kind === 'base64') return c === '=' ? ['A'] : others(BASE64);
  if (kind === 'note') return BASE64.includes(c) ? others(BASE64) : [rotate(c)];
  if (kind === 'number') return /[0-9]/.test(c) ? [String((Number(c) + 1) % 10)] : [];
  return [rotate(c)];
};

const editsOf = (bundle: ProofBundle, target: Target): Edit[] => {
  const original = read(bundle, target.path) as string | number;
  const text = String(original);
  return [...text].flatMap((from, position) => {
    // Positions count UTF-16 units for text, so a character outside the BMP is one edit.
    const offset = [...text].slice(0, position).join('').length;
    return alternatives(target.kind, from).map((to) => {
      const edited = text.slice(0, offset) + to + text.slice(offset + from.length);
      return { target, position, from, to, value: target.kind === 'number' ? Number(edited) : edited };
    });
  });
};

/** Base64 edits that change only padding bits: the decoded bytes stay the same. */
const sameBytes = (edit: Edit, original: string): boolean =>
  edit.target.kind === 'base64' &&
  Buffer.from(String(edit.value), 'base64').equals(Buffer.from(original, 'base64'));

/** Whether the divergence names the place of the edit. */
const namesPlace = (edit: Edit, d: Divergence): boolean => {
  const [, index] = edit.target.path;
  switch (edit.target.region) {
    case 'format':
      return d.field === 'format';
    case 'ids':
      return d.source === 'event_store' && d.seq === 0;
    case 'events':
      return d.source === 'event_store' && d.seq === index;
    case 'integrity':
      return d.field.startsWith('integrity.');
    case 'checkpoint':
      return d.field === 'signature' || d.field.startsWith('checkpoint.') || d.field === 'checkpoint';
    case 'signature':
      return d.field === 'signature';
    case 'public_keys':
      return d.field.startsWith('public_keys');
    case 'ledger':
      return d.field.startsWith('ledger');
  }
};

const describeEdit = (e: Edit, verdict: BundleVerdict): string =>
  `${e.target.path.join('.')}[${e.position}] ${JSON.stringify(e.from)}→${JSON.stringify(e.to)}: ${verdict.integrity.verification_status} ${JSON.stringify(verdict.integrity.divergence)}`;

/** What the chain verifier finds over the bundle's events (verifyBundle's middle step). */
const chainOf = (bundle: ProofBundle): BundleChain => {
  const verifier = createChainVerifier(bundle.tenant_id, bundle.run_id, runStreamId(bundle.run_id));
  for (const e of bundle.events) verifier.push(verifiableEvent(bundle.tenant_id, bundle.run_id, e));
  return {
    integrity: verifier.integrity(),
    event_count: bundle.events.length,
    last_type: bundle.events[bundle.events.length - 1]?.type ?? null,
  };
};

/** verifyBundle's verdict on a copy of `bundle` with one edit: with the original's chain when
 * the edit leaves the chain's inputs (ids and events) alone. */
const verdictOn = (bundle: ProofBundle, chain: BundleChain, edit: Edit, trust: BundleTrust) => {
  const copy = copyOf(bundle);
  write(copy, edit.target.path, edit.value);
  if (edit.target.region === 'events' || edit.target.region === 'ids') return verifyBundle(copy, trust);
  const decoded = ProofBundleC.decode(copy);
  return E.isRight(decoded) ? verifyDecodedBundle(decoded.right, chain, trust) : verifyBundle(copy, trust);
};

const undetected = (bundle: ProofBundle, edits: readonly Edit[], pinned: BundleTrust): string[] => {
  const chain = chainOf(bundle);
  return edits.flatMap((edit) => {
    const verdict = verdictOn(bundle, chain, edit, pinned);
    const d = verdict.integrity.divergence;
    const caught =
      verdict.integrity.verification_status === 'FAILED' &&
      d !== null &&
      (verdict.integrity.failure_reason ?? '') !== '' &&
      namesPlace(edit, d);
    return caught ? [] : [describeEdit(edit, verdict)];
  });
};

describe('every single-character edit of a bundle fails verification, naming the place', () => {
  let key: TestKey;
  let bundle: ProofBundle;
  let edits: Edit[];
  let paddingOnly: Edit[];
  const counted = new Map<string, number>();

  beforeAll(() => {
    key = generateTestKey();
    bundle = sampleBundle(key);
    const all = targetsOf(bundle).flatMap((target) => editsOf(bundle, target));
    paddingOnly = all.filter((e) => sameBytes(e, String(read(bundle, e.target.path))));
    edits = all.filter((e) => !paddingOnly.includes(e));
  });
  afterAll(() => {
    console.info(`bundle tamper matrix: ${[...counted].map(([k, n]) => `${k}=${n}`).join(', ')}`);
  });

  it('starts from a bundle that verifies, embedded and pinned', () => {
    expect(verifyBundle(bundle, 'embedded').integrity.verification_status).toBe('VERIFIED');
    expect(verifyBundle(bundle, key.raw).integrity.verification_status).toBe('VERIFIED');
    const regions = new Set(edits.map((e) => e.target.region));
    expect([...regions].sort()).toEqual([
      'checkpoint',
      'events',
      'format',
      'ids',
      'integrity',
      'ledger',
      'public_keys',
      'signature',
    ]);
  });

  const regions: readonly Region[] = [
    'format',
    'ids',
    'events',
    'integrity',
    'checkpoint',
    'signature',
    'public_keys',
    'ledger',
  ];
  for (const region of regions) {
    for (const trust of ['embedded', 'pinned'] as const) {
      it(`${region}: every edit is FAILED and named (${trust} key)`, () => {
        const mine = edits.filter((e) => e.target.region === region);
        expect(mine.length).toBeGreaterThan(0);
        counted.set(`${region}/${trust}`, mine.length);
        expect(undetected(bundle, mine, trust === 'pinned' ? key.raw : 'embedded')).toEqual([]);
      });
    }
  }

  it('covers every event, every data leaf and every hash character', () => {
    const events = edits.filter((e) => e.target.region === 'events');
    expect(new Set(events.map((e) => e.target.path[1]))).toEqual(new Set(bundle.events.map((_, i) => i)));
    const hexEdits = edits.filter((e) => e.target.kind === 'hex').length;
    const hexChars = targetsOf(bundle)
      .filter((t) => t.kind === 'hex')
      .reduce((n, t) => n + String(read(bundle, t.path)).length, 0);
    expect(hexEdits).toBe(hexChars * 15);
    expect(edits.length).toBeGreaterThan(20_000);
  });

  // Base64 keeps a few bits of the last character unused (2 for a 32-byte key, 4 for a 64-byte
  // signature). Editing them leaves the decoded bytes alone, so the signature would still verify;
  // but the bundle is no longer the one that was exported, and the verifier says so
  // (RFC 4648 section 3.5: only canonical encodings are accepted).
  it('finds the padding-only edits exactly where base64 has unused bits', () => {
    // signature: the last of 86 characters has 4 unused bits (15 other characters share its top 2);
    // public key: the last of 43 has 2 unused bits (3 others share its top 4).
    const where = paddingOnly.map((e) => `${e.target.path.join('.')}[${e.position}]`);
    expect(where.filter((w) => w === 'signature[85]')).toHaveLength(15);
    expect(where.filter((w) => w === 'public_keys.0.public_key[42]')).toHaveLength(3);
    // and the signature's last '=' made 'A': Buffer's lenient decoder stops at the first '='.
    expect(where.filter((w) => w === 'signature[87]')).toHaveLength(1);
    expect(where).toHaveLength(19);
    counted.set('padding-only', paddingOnly.length);
  });

  it('refuses a non-canonical base64 signature or public_key (only padding bits edited), naming the field', () => {
    expect(paddingOnly.length).toBeGreaterThan(0);
    expect(undetected(bundle, paddingOnly, 'embedded')).toEqual([]);
    expect(undetected(bundle, paddingOnly, key.raw)).toEqual([]);
  });
});
