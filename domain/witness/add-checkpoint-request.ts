import * as E from 'fp-ts/lib/Either.js';
import { decodeBase64 } from '../json/canonical-base64.js';
import type { Hash } from '../proof/sha256.js';

/** The body of a C2SP tlog-witness `POST /add-checkpoint` (https://c2sp.org/tlog-witness): an old
 * size line `old N`, at most 63 base64 consistency proof lines, an empty line, and the checkpoint
 * (a signed note), every line ending in a newline. */
export type AddCheckpointRequest = {
  readonly oldSize: number;
  readonly proof: readonly Hash[];
  readonly checkpoint: string;
};

const MAX_PROOF_LINES = 63;
const OLD_SIZE = /^old (0|[1-9][0-9]*)$/;

const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/** The request, or why it is malformed (answered 400). */
export const parseAddCheckpointRequest = (body: Uint8Array): E.Either<string, AddCheckpointRequest> => {
  const text = decodeUtf8(body);
  if (text === undefined) return E.left('the body is not UTF-8 text');
  const blank = text.indexOf('\n\n');
  if (blank < 0) return E.left('the body has no empty line before the checkpoint');
  const [oldLine = '', ...proofLines] = text.slice(0, blank).split('\n');
  const old = OLD_SIZE.exec(oldLine);
  const oldSize = Number(old?.[1]);
  if (old === null || !Number.isSafeInteger(oldSize))
    return E.left(
      `the first line must be "old <size>" in decimal, got ${JSON.stringify(oldLine.slice(0, 40))}`,
    );
  if (proofLines.length > MAX_PROOF_LINES)
    return E.left(`${proofLines.length} consistency proof lines, at most ${MAX_PROOF_LINES}`);
  const proof: Hash[] = [];
  for (const [i, line] of proofLines.entries()) {
    const hash = decodeBase64(line);
    if (hash === undefined || hash.length !== 32)
      return E.left(`consistency proof line ${i + 1} is not the base64 of a 32-byte hash`);
    proof.push(hash);
  }
  return E.right({ oldSize, proof, checkpoint: text.slice(blank + 2) });
};

/** The request body a log sends (the inverse of parseAddCheckpointRequest). */
export const addCheckpointRequestBody = (request: AddCheckpointRequest): string =>
  [
    `old ${request.oldSize}`,
    ...request.proof.map((h) => Buffer.from(h).toString('base64')),
    '',
    request.checkpoint,
  ].join('\n');
