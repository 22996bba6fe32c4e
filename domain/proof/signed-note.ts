import type { KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { decodeBase64 } from '../json/canonical-base64.js';
import { ED25519_PUBLIC_KEY_BYTES, isPrivateKeyFor, signEd25519, verifyEd25519 } from './ed25519-keys.js';
import { sha256, toHex } from './sha256.js';

/** C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys, and the C2SP tlog-checkpoint
 * body (https://c2sp.org/tlog-checkpoint). Behaviour follows golang.org/x/mod/sumdb/note. */

const SIG_TYPE_ED25519 = 0x01;
const MAX_NOTE_SIGNATURES = 100;
const SIG_PREFIX = '\u2014 '; // em dash, space

/** A trusted key: its name and raw 32-byte Ed25519 public key. */
export type NoteKey = { readonly name: string; readonly rawPublicKey: Uint8Array };
/** A key with its 8-hex-digit key ID, as it appears in a verifier key or verified note. */
export type IdentifiedNoteKey = NoteKey & { readonly keyHash: string };
export type NoteSignature = { readonly name: string; readonly keyHash: string; readonly base64: string };
export type OpenedNote = {
  readonly body: string;
  readonly verifiedBy: readonly IdentifiedNoteKey[];
  readonly unverified: readonly NoteSignature[];
};
export type TlogCheckpoint = {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
};

export type NoteError =
  | {
      readonly kind: 'malformed_note' | 'malformed_verifier_key' | 'invalid_signer' | 'malformed_checkpoint';
      readonly message: string;
    }
  | {
      readonly kind: 'invalid_signature' | 'ambiguous_key';
      readonly name: string;
      readonly keyHash: string;
      readonly message: string;
    }
  | {
      readonly kind: 'unverified_note';
      readonly body: string;
      readonly unverified: readonly NoteSignature[];
      readonly message: string;
    };

type Simple = 'malformed_note' | 'malformed_verifier_key' | 'invalid_signer' | 'malformed_checkpoint';
const fail = <A>(kind: Simple, message: string): E.Either<NoteError, A> => E.left({ kind, message });

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Key names are non-empty, without Unicode spaces (Go's unicode.IsSpace) or '+'. */
const isValidKeyName = (name: string): boolean =>
  name !== '' && !/[\p{White_Space}+]/u.test(name) && !hasLoneSurrogate(name);

const hasLoneSurrogate = (text: string): boolean =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
/** Valid Unicode without ASCII control characters other than newline. */
const isNoteText = (text: string): boolean =>
  // eslint-disable-next-line no-control-regex -- the spec forbids exactly these control characters
  !/[\u0000-\u0009\u000B-\u001F]/.test(text) && !hasLoneSurrogate(text);

/** The 4-byte key ID: SHA-256(name || 0x0A || 0x01 || raw public key)[:4]. */
export const noteKeyHash = (name: string, raw: Uint8Array): Uint8Array =>
  sha256(utf8(name), Uint8Array.of(0x0a, SIG_TYPE_ED25519), raw).slice(0, 4);

const keyOf = (name: string, keyHash: string): string => `${name}+${keyHash}`;

/** The verifier key `<name>+<hex key ID>+<base64(0x01 || public key)>`. */
export const verifierKey = (name: string, raw: Uint8Array): E.Either<NoteError, string> => {
  if (!isValidKeyName(name))
    return fail('malformed_verifier_key', `invalid key name ${JSON.stringify(name)}`);
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES)
    return fail('malformed_verifier_key', 'public key must be 32 bytes');
  const encoded = toBase64(Uint8Array.of(SIG_TYPE_ED25519, ...raw));
  return E.right(`${name}+${toHex(noteKeyHash(name, raw))}+${encoded}`);
};

export const parseVerifierKey = (text: string): E.Either<NoteError, IdentifiedNoteKey> => {
  const match = /^([^+]*)\+([0-9a-fA-F]{8})\+(.*)$/su.exec(text);
  const [, name = '', hash = '', b64 = ''] = match ?? [];
  const key = decodeBase64(b64);
  if (match === null || !isValidKeyName(name) || key === undefined || key.length === 0) {
    return fail('malformed_verifier_key', 'malformed verifier key');
  }
  const keyHash = hash.toLowerCase();
  if (toHex(sha256(utf8(name), Uint8Array.of(0x0a), key).slice(0, 4)) !== keyHash) {
    return fail('malformed_verifier_key', 'verifier key hash does not match the key');
  }
  if (key[0] !== SIG_TYPE_ED25519) return fail('malformed_verifier_key', `unknown signature type ${key[0]}`);
  if (key.length !== 1 + ED25519_PUBLIC_KEY_BYTES)
    return fail('malformed_verifier_key', 'Ed25519 key must be 32 bytes');
  return E.right({ name, keyHash, rawPublicKey: key.slice(1) });
};

/** Why body and name cannot make a note (body must be text ending in a newline), or null. */
const noteInputProblem = (body: string, name: string): E.Either<NoteError, never> | null => {
  if (!body.endsWith('\n') || !isNoteText(body))
    return fail('malformed_note', 'note body must be text ending in a newline');
  return isValidKeyName(name) ? null : fail('invalid_signer', `invalid key name ${JSON.stringify(name)}`);
};

/** Signs body with whatever makes Ed25519 signatures under the raw public key (a key object, a key
 * in a PKCS#11 token); returns the complete note. */
export const signNoteWith = (
  body: string,
  name: string,
  raw: Uint8Array,
  signEd25519Bytes: (message: Uint8Array) => Uint8Array,
): E.Either<NoteError, string> => {
  const problem = noteInputProblem(body, name);
  if (problem !== null) return problem;
  const signature = signEd25519Bytes(utf8(body));
  const encoded = toBase64(Uint8Array.of(...noteKeyHash(name, raw), ...signature));
  return E.right(`${body}\n${SIG_PREFIX}${name} ${encoded}\n`);
};

/** Signs body (which must end in a newline) with an Ed25519 key; returns the complete note. */
export const signNote = (
  body: string,
  name: string,
  privateKey: KeyObject,
  raw: Uint8Array,
): E.Either<NoteError, string> => {
  const problem = noteInputProblem(body, name);
  if (problem !== null) return problem;
  if (!isPrivateKeyFor(privateKey, raw))
    return fail('invalid_signer', 'private key is not the Ed25519 key of the public key');
  return signNoteWith(body, name, raw, (message) => signEd25519(privateKey, message));
};

type ParsedLine = NoteSignature & { readonly line: string; readonly signature: Uint8Array };

const parseSignatureLine = (line: string): ParsedLine | undefined => {
  if (!line.startsWith(SIG_PREFIX)) return undefined;
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const base64 = space < 0 ? '' : rest.slice(space + 1);
  const bytes = decodeBase64(base64);
  if (bytes === undefined || bytes.length < 5 || !isValidKeyName(name)) return undefined;
  return { name, keyHash: toHex(bytes.subarray(0, 4)), base64, line, signature: bytes.slice(4) };
};

const decodeNote = (note: string | Uint8Array): string | undefined => {
  if (typeof note === 'string') return note;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    return undefined;
  }
};

/** A note split into its body and its parsed signature lines, or why it is malformed. */
const splitNote = (
  note: string | Uint8Array,
): E.Either<NoteError, { readonly body: string; readonly parsed: ParsedLine[] }> => {
  const text = decodeNote(note);
  if (text === undefined || !isNoteText(text))
    return fail('malformed_note', 'note is not valid UTF-8 text without control characters');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return fail('malformed_note', 'note has no blank line before its signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block === '' || !block.endsWith('\n'))
    return fail('malformed_note', 'signature block must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES)
    return fail('malformed_note', `more than ${MAX_NOTE_SIGNATURES} signatures`);
  const parsed: ParsedLine[] = [];
  for (const line of lines) {
    const sig = parseSignatureLine(line);
    if (sig === undefined) return fail('malformed_note', `malformed signature line ${JSON.stringify(line)}`);
    parsed.push(sig);
  }
  return E.right({ body, parsed });
};

/** The known keys by name and key hash (several keys may share a name and a hash). */
const keysById = (knownKeys: readonly NoteKey[]): Map<string, IdentifiedNoteKey[]> => {
  const known = new Map<string, IdentifiedNoteKey[]>();
  for (const key of knownKeys) {
    const keyHash = toHex(noteKeyHash(key.name, key.rawPublicKey));
    const entries = known.get(keyOf(key.name, keyHash)) ?? [];
    if (!entries.some((k) => sameBytes(k.rawPublicKey, key.rawPublicKey))) entries.push({ ...key, keyHash });
    known.set(keyOf(key.name, keyHash), entries);
  }
  return known;
};

/** Parses a signed note and checks its signatures against the known keys. Signatures by unknown
 * keys are ignored; one failing signature by a known key, or none verifying, rejects the note. */
export const openNote = (
  note: string | Uint8Array,
  knownKeys: readonly NoteKey[],
): E.Either<NoteError, OpenedNote> => {
  const split = splitNote(note);
  if (E.isLeft(split)) return split;
  const { body, parsed } = split.right;
  const known = keysById(knownKeys);
  const bodyBytes = utf8(body);
  const verified = new Map<string, IdentifiedNoteKey>();
  const unverified = new Map<string, NoteSignature>();
  for (const { line, signature, ...sig } of parsed) {
    const id = keyOf(sig.name, sig.keyHash);
    const candidates = known.get(id);
    if (candidates === undefined) {
      if (!unverified.has(line)) unverified.set(line, sig);
      continue;
    }
    const [key] = candidates;
    if (key === undefined || candidates.length > 1)
      return E.left({
        kind: 'ambiguous_key',
        name: sig.name,
        keyHash: sig.keyHash,
        message: `ambiguous key ${id}`,
      });
    if (!verifyEd25519(key.rawPublicKey, bodyBytes, signature))
      return E.left({
        kind: 'invalid_signature',
        name: sig.name,
        keyHash: sig.keyHash,
        message: `invalid signature for key ${id}`,
      });
    verified.set(id, key);
  }
  if (verified.size === 0)
    return E.left({
      kind: 'unverified_note',
      body,
      unverified: [...unverified.values()],
      message: 'note has no verifiable signatures',
    });
  return E.right({ body, verifiedBy: [...verified.values()], unverified: [...unverified.values()] });
};

const TREE_SIZE = /^(?:0|[1-9][0-9]*)$/;

/** The checkpoint note body: origin, tree size, base64 root hash, extension lines, each ending in a newline. */
export const tlogCheckpointBody = (
  origin: string,
  treeSize: number,
  rootHash: Uint8Array,
  extensions: readonly string[] = [],
): E.Either<NoteError, string> => {
  if (
    origin === '' ||
    extensions.some((l) => l === '') ||
    [origin, ...extensions].some((l) => !isNoteText(l) || l.includes('\n'))
  ) {
    return fail('malformed_checkpoint', 'origin and extension lines must be non-empty single lines');
  }
  if (!Number.isSafeInteger(treeSize) || treeSize < 0)
    return fail('malformed_checkpoint', `invalid tree size ${treeSize}`);
  if (rootHash.length !== 32) return fail('malformed_checkpoint', 'root hash must be 32 bytes');
  return E.right([origin, String(treeSize), toBase64(rootHash), ...extensions].map((l) => `${l}\n`).join(''));
};

export const parseTlogCheckpoint = (body: string): E.Either<NoteError, TlogCheckpoint> => {
  if (!body.endsWith('\n')) return fail('malformed_checkpoint', 'checkpoint body must end in a newline');
  const [origin = '', size = '', root = '', ...extensions] = body.slice(0, -1).split('\n');
  if (origin === '') return fail('malformed_checkpoint', 'missing origin line');
  if (!TREE_SIZE.test(size) || !Number.isSafeInteger(Number(size)))
    return fail('malformed_checkpoint', `invalid tree size ${JSON.stringify(size)}`);
  const rootHash = decodeBase64(root);
  if (rootHash === undefined || rootHash.length !== 32)
    return fail('malformed_checkpoint', 'root hash must be base64 of 32 bytes');
  if (extensions.some((l) => l === ''))
    return fail('malformed_checkpoint', 'extension lines must be non-empty');
  return E.right({ origin, treeSize: Number(size), rootHash, extensions });
};
