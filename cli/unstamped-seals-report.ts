import { pipe } from 'fp-ts/lib/function.js';
import type { UnstampedSealRef } from '../application/ports/seal-timestamps.js';
import type { Services } from '../application/services.js';
import { orThrow } from './cli-failure.js';
import { storeFailure } from './runtime.js';
import { shown } from './terminal-text.js';
import { configuredTsa } from './tsa-config.js';

/** `aos-int verify-all`'s report of the seals without an RFC 3161 time stamp, when AOS_TSA_URL is
 * set (reported, not failed: `aos-int ledger timestamp` asks again); nothing when it is unset. */
export const unstampedSealsReport = async (
  runtime: Pick<Services, 'sealTimestamps'>,
  tenantId: string | null,
  env: NodeJS.ProcessEnv,
): Promise<{
  readonly json: { unstamped_seals?: readonly UnstampedSealRef[] };
  readonly lines: string[];
}> => {
  if (configuredTsa(env) === null) return { json: {}, lines: [] };
  const seals = pipe(await runtime.sealTimestamps.unstamped(tenantId)(), orThrow(storeFailure));
  return {
    json: { unstamped_seals: seals },
    lines: [
      `seals without a trusted time stamp: ${seals.length}`,
      ...seals.map(
        (s) =>
          `  ${shown(s.tenant_id)} ${shown(s.run_id)} (ledger index ${s.ledger_index}; aos-int ledger timestamp)`,
      ),
    ],
  };
};
