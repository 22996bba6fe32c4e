import type * as t from 'io-ts';
import { upcastEvent } from '../events/event-versions.js';
import { RUN_SEALED, RunSealedC, type RunSealed } from './run-checkpoint.js';

/** The payload of a stored RunSealed (a tenant ledger's event), upcast first to its current schema
 * version (docs/EVENTS.md), then decoded by its codec. */
export const decodeRunSealed = (data: unknown): t.Validation<RunSealed> => {
  const current = upcastEvent(RUN_SEALED, data);
  return current._tag === 'Left' ? current : RunSealedC.decode(current.right);
};
