import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { readFileSafely } from '../adapters/files/safe-files.js';
import type { CosignDeps } from '../application/ledger/cosign-ledger-head.js';
import type { RunKeys } from '../application/ports/run-keys.js';
import type { Services } from '../application/services.js';
import { intBetween } from '../domain/json/bounded-codecs.js';
import { parseConfiguredWitnesses, type ConfiguredWitness } from '../domain/witness/configured-witnesses.js';
import { CliFailure, orThrow } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { describeFileRefusal } from './file-refusal-messages.js';

const configError = (variable: string, message: string): CliFailure =>
  new CliFailure(ExitCode.usage, 'invalid_input', `${variable}: ${message}`, variable);

/** The witnesses the log sends tenant-ledger heads to: AOS_WITNESSES_FILE (`witness <name>
 * <verifier key> <url>` lines); none when it is unset. A file that is not that is exit 2. */
export const configuredWitnesses = (env: NodeJS.ProcessEnv): readonly ConfiguredWitness[] => {
  const path = env.AOS_WITNESSES_FILE;
  if (path === undefined || path === '') return [];
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'owner_writes', maxBytes: 1024 * 1024 }),
    orThrow((refusal) =>
      configError('AOS_WITNESSES_FILE', `cannot read ${path}: it ${describeFileRefusal(refusal)}`),
    ),
  );
  return pipe(
    parseConfiguredWitnesses(bytes.toString('utf8')),
    orThrow((problem) => configError('AOS_WITNESSES_FILE', `${path}: ${problem}`)),
  );
};

/** How long a witness may take to answer (AOS_WITNESS_TIMEOUT_MS, default 5000). */
const witnessTimeoutMs = (env: NodeJS.ProcessEnv): number => {
  const value = env.AOS_WITNESS_TIMEOUT_MS;
  if (value === undefined || value === '') return 5000;
  const decoded = intBetween(1, 600_000).decode(/^\d+$/.test(value) ? Number(value) : value);
  if (E.isLeft(decoded))
    throw configError('AOS_WITNESS_TIMEOUT_MS', 'must be a whole number of ms, 1..600000');
  return decoded.right;
};

/** What cosignLedgerHead needs, wired: the store, the kept heads, the keys, the witnesses, HTTP. */
export const cosignDeps = async (
  services: Pick<Services, 'store' | 'ledgerHeads'>,
  keys: RunKeys,
  witnesses: readonly ConfiguredWitness[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CosignDeps> => {
  const { httpWitnessClient } = await import('../adapters/witness/http-witness-client.js');
  return {
    store: services.store,
    heads: services.ledgerHeads,
    keys,
    witnesses,
    send: httpWitnessClient(witnessTimeoutMs(env)),
  };
};
