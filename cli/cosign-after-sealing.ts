import * as E from 'fp-ts/lib/Either.js';
import type { CosignResult } from '../application/ledger/cosign-ledger-head.js';
import type { RunKeys } from '../application/ports/run-keys.js';
import type { Services } from '../application/services.js';
import { shown } from './terminal-text.js';
import type { ConfiguredWitness } from '../domain/witness/configured-witnesses.js';
import { cosignDeps } from './witness-config.js';

/** One line on what the witnesses did with a head that is not cosigned by all of them. */
export const uncosignedMessage = (result: CosignResult): string =>
  `tree head ${result.tree_size} of tenant ${shown(result.tenant_id)} is not cosigned by every witness (${result.witnesses
    .filter((w) => w.outcome !== 'cosigned')
    .map((w) => `${shown(w.witness)}: ${w.outcome}${w.detail === null ? '' : ` ${shown(w.detail)}`}`)
    .join('; ')}); aos-int ledger cosign sends it again`;

/** After a seal: the tenant's new head sent to the configured witnesses (read, and refused if
 * malformed, before anything was written: `configuredWitnesses`; none configured: nothing).
 * Sealing is done whatever they answer: a head they did not all cosign is kept uncosigned, with a
 * warning on stderr, and sent again later. */
export const cosignAfterSealing = async (
  services: Pick<Services, 'store' | 'ledgerHeads'>,
  keys: RunKeys,
  tenantId: string,
  witnesses: readonly ConfiguredWitness[],
): Promise<void> => {
  if (witnesses.length === 0) return;
  const { cosignLedgerHead } = await import('../application/ledger/cosign-ledger-head.js');
  const result = await cosignLedgerHead(await cosignDeps(services, keys, witnesses), tenantId);
  if (E.isLeft(result))
    process.stderr.write(`warning: the tree head was not sent to the witnesses (${result.left.kind})\n`);
  else if (!result.right.cosigned) process.stderr.write(`warning: ${uncosignedMessage(result.right)}\n`);
};
