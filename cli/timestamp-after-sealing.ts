import * as E from 'fp-ts/lib/Either.js';
import type { SealToStamp, TimestampSealError } from '../application/ledger/timestamp-seal.js';
import type { RunProof } from '../application/proof/run-proof.js';
import type { Services } from '../application/services.js';
import { shown } from './terminal-text.js';
import { tsaDeps } from './tsa-config.js';

/** Why a seal has no time stamp, in one phrase. */
export const describeTimestampError = (error: TimestampSealError): string =>
  error.kind === 'timestamps'
    ? `the time stamps could not be kept (${error.error.kind})`
    : `${error.kind.replaceAll('_', ' ')}: ${shown(error.message)}`;

/** The seal a proof found, as timestampSeal takes it; null for a run not sealed. */
const sealOf = (proof: RunProof): SealToStamp | null =>
  proof.sealed === null
    ? null
    : {
        tenant_id: proof.tenant_id,
        run_id: proof.run_id,
        ledger_index: proof.sealed.ledger_index,
        signature: proof.sealed.signature,
      };

/** After a seal: an RFC 3161 time stamp over its signature from the TSA of AOS_TSA_URL (none
 * configured: nothing). The seal stands whatever the TSA does: a seal left without a time stamp
 * is said on stderr, and `aos-int ledger timestamp` asks again. */
export const timestampAfterSealing = async (
  services: Pick<Services, 'sealTimestamps'>,
  proof: RunProof,
  tsaUrl: string | null,
): Promise<void> => {
  const seal = sealOf(proof);
  if (tsaUrl === null || seal === null) return;
  const { timestampSeal } = await import('../application/ledger/timestamp-seal.js');
  const result = await timestampSeal(await tsaDeps(services, tsaUrl), seal);
  if (E.isLeft(result))
    process.stderr.write(
      `warning: the seal of run ${shown(seal.run_id)} has no trusted time stamp (${describeTimestampError(result.left)}); aos-int ledger timestamp asks for it again\n`,
    );
};
