import * as E from 'fp-ts/lib/Either.js';
import { privateKeyFromSeed } from '../../domain/proof/ed25519-keys.js';
import { parseVerifierKey, type NoteError } from '../../domain/proof/signed-note.js';

/** The Right of an Either, or a thrown error naming its Left. */
export const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};
/** The Left of an Either of a signed-note function, or a thrown error naming its Right. */
export const left = <A>(e: E.Either<NoteError, A>): NoteError => {
  if (E.isRight(e)) throw new Error(`expected Left, got ${JSON.stringify(e.right)}`);
  return e.left;
};

// The keys of golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign,
// TestOpen), for the signed-note tests (signed-note-*.unit.spec.ts, tlog-checkpoint, ed25519-keys);
// the note and its signatures are in signed-note-go-vectors.unit.spec.ts.
export const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
export const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';

export const peter = right(parseVerifierKey(peterVkey));
export const enoch = right(parseVerifierKey(enochVkey));
const peterSeed = Buffer.from(peterSkey.split('+').slice(4).join('+'), 'base64').subarray(1);
export const peterPrivate = right(privateKeyFromSeed(peterSeed));
/** The names of keys or signatures, in order. */
export const names = (keys: readonly { readonly name: string }[]) => keys.map((k) => k.name);
