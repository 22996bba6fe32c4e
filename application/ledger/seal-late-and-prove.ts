import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { LedgerEntry } from '../../domain/ledger/tenant-ledger.js';
import type { Clock } from '../../domain/ports/clock.js';
import { proveCaughtUp, type CatchUpWarning } from '../projections/catch-up.js';
import type { RunKeys } from '../ports/run-keys.js';
import type { RunProof } from '../proof/run-proof.js';
import type { Services } from '../services.js';
import { sealRunLate, type LateSealError, type LateSealRequest } from './seal-run-late.js';

/** `aos-int runs seal-late`: the run sealed late (sealRunLate), its seal projected into the seal
 * index, and the run proved with it. */
export const sealLateAndProve = async (
  services: Pick<Services, 'store' | 'readModel'> & { readonly clock: Clock },
  keys: RunKeys,
  request: LateSealRequest,
  warn: CatchUpWarning = () => undefined,
): Promise<E.Either<LateSealError, { readonly seal: LedgerEntry; readonly proof: RunProof }>> => {
  const sealed = await sealRunLate(
    { store: services.store, signer: keys.signer, clock: services.clock, keySet: keys.knownKeys },
    request,
  );
  if (E.isLeft(sealed)) return sealed;
  const projected = await services.readModel.projections.waitFor(sealed.right.position);
  if (E.isLeft(projected)) warn(projected.left);
  return pipe(
    await proveCaughtUp(services, request.tenantId, request.runId, keys.knownKeys, warn),
    E.bimap(
      (error): LateSealError => ({ kind: 'store', error }),
      (proof) => ({ seal: sealed.right.seal, proof }),
    ),
  );
};
