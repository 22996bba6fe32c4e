import { streamKindOf } from '../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { decodeAgentEvent, type AgentEvent } from '../domain/agent/agent-events.js';
import { describeDecodeErrors } from '../domain/json/decode-error.js';
import type { StoredEvent } from '../domain/ports/event-store.js';
import { decodeRunEvent, type RunEvent } from '../domain/run/run-events.js';
import { decodeRunSealed } from '../domain/ledger/ledger-events.js';
import { RUN_SEALED, type RunSealed } from '../domain/ledger/run-checkpoint.js';
import * as t from 'io-ts';

/** A seal in a tenant ledger stream, projected into the seal index. */
export type LedgerEvent = { readonly type: 'RunSealed'; readonly data: RunSealed };

const decodeLedgerEvent = (type: string, data: unknown): t.Validation<LedgerEvent> => {
  if (type !== RUN_SEALED) return t.failure(type, [], `unknown ledger event type "${type}"`);
  const decoded = decodeRunSealed(data);
  return decoded._tag === 'Left' ? decoded : t.success({ type: RUN_SEALED, data: decoded.right });
};

/** A stored event decoded by its codec, with the envelope fields the read tables need. */
export type ProjectedEvent = {
  readonly stream_id: string;
  readonly tenant_id: string;
  readonly seq: number;
  readonly recorded_at: string;
  readonly link: string | null;
  readonly event: RunEvent | AgentEvent | LedgerEvent;
};

export type UndecodableEvent = {
  readonly kind: 'undecodable_event';
  readonly stream_id: string;
  readonly seq: number;
  readonly message: string;
};

/** Events of streams the product does not know are not projected (Right(null)); events of its
 * streams that fail their codec are an error: the projector stops rather than skip them. */
export const decodeForProjection = (
  stored: StoredEvent,
): E.Either<UndecodableEvent, ProjectedEvent | null> => {
  const kind = streamKindOf(stored.stream_id);
  const decoded =
    kind === 'run'
      ? decodeRunEvent(stored.type, stored.data)
      : kind === 'agent'
        ? decodeAgentEvent(stored.type, stored.data)
        : kind === 'ledger'
          ? decodeLedgerEvent(stored.type, stored.data)
          : null;
  if (decoded === null) return E.right(null);
  if (decoded._tag === 'Left') {
    return E.left({
      kind: 'undecodable_event',
      stream_id: stored.stream_id,
      seq: stored.seq,
      message: describeDecodeErrors(decoded.left).join('; '),
    });
  }
  return E.right({
    stream_id: stored.stream_id,
    tenant_id: stored.tenant_id,
    seq: stored.seq,
    recorded_at: stored.recorded_at,
    link: stored.link,
    event: decoded.right,
  });
};
