import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { rawPublicKey } from '../../domain/proof/ed25519-keys.js';
import { consistencyProof } from '../../domain/proof/merkle-proofs.js';
import { merkleTreeHash } from '../../domain/proof/merkle-tree.js';
import { sha256, type Hash } from '../../domain/proof/sha256.js';
import { signNote, tlogCheckpointBody, verifierKey } from '../../domain/proof/signed-note.js';

const right = <A>(e: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

/** A transparency log for witness tests: leaves `sha256("<label> <i>")`, checkpoints signed with
 * its own Ed25519 key as C2SP signed notes, and add-checkpoint bodies with RFC 9162 proofs. A fork
 * is another log of the same origin and key whose leaves differ from `forkAt` on. */
export type TestLog = {
  readonly origin: string;
  readonly verifierKey: string;
  readonly noteKey: { readonly name: string; readonly rawPublicKey: Uint8Array };
  leaves(size: number): Hash[];
  checkpoint(size: number): string;
  body(oldSize: number, size: number): string;
  fork(forkAt: number): TestLog;
};

const makeLog = (
  origin: string,
  keyName: string,
  privateKey: KeyObject,
  label: (i: number) => string,
): TestLog => {
  const raw = right(rawPublicKey(privateKey));
  const leaves = (size: number) => Array.from({ length: size }, (_, i) => sha256(Buffer.from(label(i))));
  const checkpoint = (size: number) =>
    right(
      signNote(
        right(tlogCheckpointBody(origin, size, merkleTreeHash(leaves(size)))),
        keyName,
        privateKey,
        raw,
      ),
    );
  return {
    origin,
    verifierKey: right(verifierKey(keyName, raw)),
    noteKey: { name: keyName, rawPublicKey: raw },
    leaves,
    checkpoint,
    body: (oldSize, size) =>
      [
        `old ${oldSize}`,
        ...consistencyProof(leaves(size), oldSize).map((h) => Buffer.from(h).toString('base64')),
        '',
        checkpoint(size),
      ].join('\n'),
    fork: (forkAt) => makeLog(origin, keyName, privateKey, (i) => (i < forkAt ? label(i) : `fork ${i}`)),
  };
};

export const testLog = (origin: string, keyName = origin): TestLog =>
  makeLog(origin, keyName, generateKeyPairSync('ed25519').privateKey, (i) => `leaf ${i}`);
