import * as E from 'fp-ts/lib/Either.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import type { TokenSignerConfig, TokenSignerError } from '../../domain/ports/token-signer.js';
import { ED25519_PUBLIC_KEY_BYTES, runproofKeyId, verifyEd25519 } from '../../domain/proof/ed25519-keys.js';
import { signNoteWith } from '../../domain/proof/signed-note.js';
import { attempt, openTokenSession, type TokenSession } from './pkcs11-session.js';

/** PKCS#11 3.0 values pkcs11js has no names for. */
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
const CKK_EC_EDWARDS = 0x40;
/** CKA_EC_PARAMS of Ed25519: the DER of the curve's OID 1.3.101.112 (RFC 8410). */
const ED25519_EC_PARAMS = Buffer.from('06032b6570', 'hex');
const SIGNATURE_BYTES = 64;
const PROBE = new TextEncoder().encode('aos-runproof: PKCS#11 signing key check\n');

type KeyPair = { readonly privateKey: Buffer; readonly publicKey: Uint8Array };

const keyFailure = (config: TokenSignerConfig, message: string): TokenSignerError => ({
  kind: 'pkcs11_key_unusable',
  tokenLabel: config.tokenLabel,
  keyLabel: config.keyLabel,
  message,
});

/** The objects of a class under the key label. */
const findObjects = (token: TokenSession, objectClass: number): E.Either<TokenSignerError, Buffer[]> => {
  const { pkcs11, module, session, config } = token;
  return attempt('C_FindObjects', () => {
    module.C_FindObjectsInit(session, [
      { type: pkcs11.CKA_CLASS, value: objectClass },
      { type: pkcs11.CKA_LABEL, value: config.keyLabel },
    ]);
    try {
      return module.C_FindObjects(session, 16);
    } finally {
      module.C_FindObjectsFinal(session);
    }
  });
};

/** CKA_EC_POINT of an Ed25519 public key: the DER OCTET STRING of the 32 bytes (PKCS#11 3.0), or
 * the 32 bytes themselves (some tokens). */
const rawEcPoint = (point: Buffer): Uint8Array | null => {
  if (point.length === ED25519_PUBLIC_KEY_BYTES) return new Uint8Array(point);
  if (point.length === 2 + ED25519_PUBLIC_KEY_BYTES && point[0] === 0x04 && point[1] === 0x20)
    return new Uint8Array(point.subarray(2));
  return null;
};

const publicKeyOf = (token: TokenSession, handle: Buffer): E.Either<TokenSignerError, Uint8Array> => {
  const { pkcs11, module, session, config } = token;
  const read = attempt('C_GetAttributeValue', () =>
    module.C_GetAttributeValue(session, handle, [{ type: pkcs11.CKA_EC_POINT }]),
  );
  if (E.isLeft(read)) return read;
  const raw = rawEcPoint(read.right[0]?.value ?? Buffer.alloc(0));
  return raw === null
    ? E.left(keyFailure(config, 'its public key is not a 32-byte Ed25519 point'))
    : E.right(raw);
};

const isEdwardsKey = (token: TokenSession, handle: Buffer): E.Either<TokenSignerError, boolean> => {
  const { pkcs11, module, session } = token;
  return E.map((attributes: { value: Buffer }[]) => {
    const value = attributes[0]?.value;
    return value !== undefined && value.length >= 4 && value.readUInt32LE(0) === CKK_EC_EDWARDS;
  })(
    attempt('C_GetAttributeValue', () =>
      module.C_GetAttributeValue(session, handle, [{ type: pkcs11.CKA_KEY_TYPE }]),
    ),
  );
};

/** The key pair under the key label, or why there is none to use. */
const findKeyPair = (token: TokenSession): E.Either<TokenSignerError, KeyPair | null> => {
  const { pkcs11, config } = token;
  const privateKeys = findObjects(token, pkcs11.CKO_PRIVATE_KEY);
  if (E.isLeft(privateKeys)) return privateKeys;
  const [privateKey, ...others] = privateKeys.right;
  if (privateKey === undefined) return E.right(null);
  const { tokenLabel, keyLabel } = config;
  if (others.length > 0)
    return E.left({ kind: 'pkcs11_key_ambiguous', tokenLabel, keyLabel, count: others.length + 1 });
  const edwards = isEdwardsKey(token, privateKey);
  if (E.isLeft(edwards)) return edwards;
  if (!edwards.right) return E.left(keyFailure(config, 'it is not an Ed25519 (CKK_EC_EDWARDS) key'));
  const publicKeys = findObjects(token, pkcs11.CKO_PUBLIC_KEY);
  if (E.isLeft(publicKeys)) return publicKeys;
  const [publicHandle] = publicKeys.right;
  if (publicHandle === undefined || publicKeys.right.length > 1)
    return E.left(keyFailure(config, `it needs exactly one public key object labelled ${keyLabel}`));
  return E.map((publicKey: Uint8Array) => ({ privateKey, publicKey }))(publicKeyOf(token, publicHandle));
};

const signWith =
  (token: TokenSession, privateKey: Buffer) =>
  (message: Uint8Array): Uint8Array => {
    const { module, session } = token;
    module.C_SignInit(session, { mechanism: CKM_EDDSA }, privateKey);
    return new Uint8Array(module.C_Sign(session, Buffer.from(message), Buffer.alloc(SIGNATURE_BYTES)));
  };

/** The token's key as the seal signer. Before it is handed out it signs a probe that its public key
 * must verify: a key pair that does not match, or a token that cannot do CKM_EDDSA, fails here,
 * before a run starts, not at its seal. */
export const loadTokenSigner = async (
  config: TokenSignerConfig,
): Promise<E.Either<TokenSignerError, Signer>> => {
  const token = await openTokenSession(config);
  if (E.isLeft(token)) return token;
  const pair = findKeyPair(token.right);
  if (E.isLeft(pair)) return pair;
  if (pair.right === null)
    return E.left({ kind: 'pkcs11_key_not_found', tokenLabel: config.tokenLabel, keyLabel: config.keyLabel });
  const { privateKey, publicKey } = pair.right;
  const sign = signWith(token.right, privateKey);
  const probe = attempt('C_Sign (CKM_EDDSA)', () => sign(PROBE));
  if (E.isLeft(probe)) return probe;
  if (!verifyEd25519(publicKey, PROBE, probe.right))
    return E.left(keyFailure(config, 'its public key does not verify what its private key signs'));
  return E.right({
    keyId: runproofKeyId(publicKey),
    publicKey,
    sign,
    signNote: (body, name) => {
      const note = signNoteWith(body, name, publicKey, sign);
      if (E.isLeft(note)) throw new Error(`cannot sign note: ${note.left.message}`);
      return note.right;
    },
  });
};

const generateKeyPair = (token: TokenSession): E.Either<TokenSignerError, KeyPair> => {
  const { pkcs11, module, session, config } = token;
  const label = { type: pkcs11.CKA_LABEL, value: config.keyLabel };
  const generated = attempt('C_GenerateKeyPair (CKM_EC_EDWARDS_KEY_PAIR_GEN)', () =>
    module.C_GenerateKeyPair(
      session,
      { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
      [
        { type: pkcs11.CKA_TOKEN, value: true },
        label,
        { type: pkcs11.CKA_EC_PARAMS, value: ED25519_EC_PARAMS },
        { type: pkcs11.CKA_VERIFY, value: true },
      ],
      // Private to the token's user, never revealed, never exported (not even wrapped).
      [
        { type: pkcs11.CKA_TOKEN, value: true },
        label,
        { type: pkcs11.CKA_PRIVATE, value: true },
        { type: pkcs11.CKA_SENSITIVE, value: true },
        { type: pkcs11.CKA_EXTRACTABLE, value: false },
        { type: pkcs11.CKA_SIGN, value: true },
      ],
    ),
  );
  if (E.isLeft(generated)) return generated;
  const { privateKey, publicKey } = generated.right;
  return E.map((raw: Uint8Array) => ({ privateKey, publicKey: raw }))(publicKeyOf(token, publicKey));
};

/** `keys init` with a token: generates the Ed25519 key pair inside the token under the key label,
 * or finds the one already there (never a second one); the raw public key, and whether it is new. */
export const createTokenKey = async (
  config: TokenSignerConfig,
): Promise<E.Either<TokenSignerError, { readonly publicKey: Uint8Array; readonly created: boolean }>> => {
  const token = await openTokenSession(config);
  if (E.isLeft(token)) return token;
  const existing = findKeyPair(token.right);
  if (E.isLeft(existing)) return existing;
  if (existing.right !== null) return E.right({ publicKey: existing.right.publicKey, created: false });
  return E.map((pair: KeyPair) => ({ publicKey: pair.publicKey, created: true }))(
    generateKeyPair(token.right),
  );
};
