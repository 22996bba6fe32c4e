/**
 * The names of the product's streams, in one place. Every stream id the product writes starts
 * with PRODUCT_STREAM_PREFIX; the kind of a stream is named by the prefix after it.
 *   aos-run-<run_id>        one run's events, chained
 *   aos-agent-<agent_id>    one agent's registration
 *   aos-ledger-<tenant_id>  a tenant's ledger of seals; its seq is the ledger's leaf index
 *   aos-late-<run_id>       spans of an observed run that arrived after it was sealed
 */
export const PRODUCT_STREAM_PREFIX = 'aos-';
export const RUN_STREAM_PREFIX = `${PRODUCT_STREAM_PREFIX}run-`;
const AGENT_STREAM_PREFIX = `${PRODUCT_STREAM_PREFIX}agent-`;
export const LEDGER_STREAM_PREFIX = `${PRODUCT_STREAM_PREFIX}ledger-`;

const LATE_STREAM_PREFIX = `${PRODUCT_STREAM_PREFIX}late-`;

export const runStreamId = (runId: string): string => `${RUN_STREAM_PREFIX}${runId}`;
export const agentStreamId = (agentId: string): string => `${AGENT_STREAM_PREFIX}${agentId}`;
export const ledgerStreamId = (tenantId: string): string => `${LEDGER_STREAM_PREFIX}${tenantId}`;
export const lateSpanStreamId = (runId: string): string => `${LATE_STREAM_PREFIX}${runId}`;

/** The run id of a run stream's id. */
export const runIdOfStream = (streamId: string): string => streamId.slice(RUN_STREAM_PREFIX.length);

export type StreamKind = 'run' | 'agent' | 'ledger';

/** Which of the product's streams this is, or null for a stream the product does not know. */
export const streamKindOf = (streamId: string): StreamKind | null =>
  streamId.startsWith(RUN_STREAM_PREFIX)
    ? 'run'
    : streamId.startsWith(AGENT_STREAM_PREFIX)
      ? 'agent'
      : streamId.startsWith(LEDGER_STREAM_PREFIX)
        ? 'ledger'
        : null;
