import * as E from 'fp-ts/lib/Either.js';
import { parseCosignerVerifierKey, type Cosigner } from './cosignature.js';

/** A witness the log sends its tenant-ledger heads to: a local name, its cosignature/v1 key, the
 * URL prefix of its add-checkpoint endpoint. */
export type ConfiguredWitness = { readonly name: string; readonly cosigner: Cosigner; readonly url: string };

/** The log's witnesses file (AOS_WITNESSES_FILE): `witness <name> <verifier key> <url>` lines, the
 * syntax of a policy's witness lines; `#` lines and empty lines skipped. */
export const parseConfiguredWitnesses = (text: string): E.Either<string, readonly ConfiguredWitness[]> => {
  const witnesses: ConfiguredWitness[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const [keyword, name = '', vkey = '', url = '', ...rest] = line.trim().split(/\s+/);
    if (keyword !== 'witness' || rest.length > 0 || !/^https?:\/\/\S+$/.test(url))
      return E.left(`line ${i + 1}: expected "witness <name> <verifier key> <http(s) url>"`);
    if (witnesses.some((w) => w.name === name))
      return E.left(`line ${i + 1}: witness ${name} is listed twice`);
    const cosigner = parseCosignerVerifierKey(vkey);
    if (E.isLeft(cosigner)) return E.left(`line ${i + 1}: ${cosigner.left}`);
    witnesses.push({ name, cosigner: cosigner.right, url: url.replace(/\/+$/, '') });
  }
  return E.right(witnesses);
};
