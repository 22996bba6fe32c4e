import * as E from 'fp-ts/lib/Either.js';
import { parseVerifierKey, type NoteKey } from '../proof/signed-note.js';

/** The logs a witness cosigns for: each origin with the note keys its checkpoints are signed by. */
export type WitnessedLogs = ReadonlyMap<string, readonly NoteKey[]>;

/** The witness's `--logs` file: one line per log, `log <origin> <verifier key>` (the key in
 * signed-note form `<name>+<hex key hash>+<base64>`); a log signed by several keys has a line per
 * key. Empty lines and lines starting with `#` are skipped. Any other line is an error naming it. */
export const parseWitnessedLogs = (text: string): E.Either<string, WitnessedLogs> => {
  const logs = new Map<string, NoteKey[]>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^log (\S+) (\S+)$/.exec(line);
    if (match === null) return E.left(`line ${i + 1}: expected "log <origin> <verifier key>"`);
    const key = parseVerifierKey(match[2] ?? '');
    if (E.isLeft(key)) return E.left(`line ${i + 1}: ${key.left.message}`);
    const origin = match[1] ?? '';
    logs.set(origin, [
      ...(logs.get(origin) ?? []),
      { name: key.right.name, rawPublicKey: key.right.rawPublicKey },
    ]);
  }
  if (logs.size === 0) return E.left('no log is listed');
  return E.right(logs);
};
