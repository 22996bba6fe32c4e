import * as E from 'fp-ts/lib/Either.js';
import type { TimestampSealDeps } from '../application/ledger/timestamp-seal.js';
import type { Services } from '../application/services.js';
import { intBetween } from '../domain/json/bounded-codecs.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';

const configError = (variable: string, message: string): CliFailure =>
  new CliFailure(ExitCode.usage, 'invalid_input', `${variable}: ${message}`, variable);

/** The RFC 3161 time-stamping authority seals are stamped by: AOS_TSA_URL (an http or https URL);
 * null when it is unset (seals get no time stamp). Anything else is exit 2, before a run starts. */
export const configuredTsa = (env: NodeJS.ProcessEnv): string | null => {
  const value = env.AOS_TSA_URL;
  if (value === undefined || value === '') return null;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw configError('AOS_TSA_URL', 'must be an http or https URL');
  return value;
};

/** How long the TSA may take to answer (AOS_TSA_TIMEOUT_MS, default 5000). */
const tsaTimeoutMs = (env: NodeJS.ProcessEnv): number => {
  const value = env.AOS_TSA_TIMEOUT_MS;
  if (value === undefined || value === '') return 5000;
  const decoded = intBetween(1, 600_000).decode(/^\d+$/.test(value) ? Number(value) : value);
  if (E.isLeft(decoded)) throw configError('AOS_TSA_TIMEOUT_MS', 'must be a whole number of ms, 1..600000');
  return decoded.right;
};

/** What timestampSeal needs, wired: the kept tokens and the TSA over HTTP. */
export const tsaDeps = async (
  services: Pick<Services, 'sealTimestamps'>,
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TimestampSealDeps> => {
  const { httpTimestampAuthority } = await import('../adapters/tsa/http-tsa-client.js');
  return { timestamps: services.sealTimestamps, tsa: httpTimestampAuthority(url, tsaTimeoutMs(env)) };
};
