import type { RunCompleted } from '../run/run-events.js';
import { definedAttributes, SpanKindNumber, type ExportSpan } from './export-span.js';
import type { RunSpanContext } from './run-span-context.js';

/** A completed run as its events and its agent describe it. */
export type RunHeader = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly agent_id: string;
  /** The agent's registered name (its id when the agent's record could not be read). */
  readonly agent_name: string;
  readonly goal: string;
  readonly origin_system_id: string;
  readonly completion: RunCompleted;
};

/** What the run's proof found, carried on its root span. */
export type ProofFacts = {
  readonly verification_status: string;
  readonly root_hash: string | null;
  readonly seal_key_id: string | null;
};

/** The run's `invoke_agent` span: the agent, the goal, how the run ended (ERROR unless it
 * succeeded) and the proof's facts. */
export const rootSpan = (
  run: RunSpanContext,
  header: RunHeader,
  facts: ProofFacts,
  window: { readonly start: bigint; readonly end: bigint },
): ExportSpan => {
  const { completion } = header;
  const failed = completion.status !== 'succeeded';
  return {
    trace_id: run.trace_id,
    span_id: run.root_span_id,
    parent_span_id: null,
    name: `invoke_agent ${header.agent_name}`,
    kind: SpanKindNumber.internal,
    start_unix_nano: window.start,
    end_unix_nano: window.end,
    status: failed
      ? { code: 'error', message: completion.error?.message ?? `the run ended ${completion.status}` }
      : { code: 'ok', message: '' },
    attributes: definedAttributes({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': header.agent_id,
      'gen_ai.agent.name': header.agent_name,
      'aos.run_id': header.run_id,
      'aos.tenant_id': header.tenant_id,
      'aos.agent_id': header.agent_id,
      'aos.goal': header.goal,
      'aos.origin_system_id': header.origin_system_id,
      'aos.run.status': completion.status,
      'error.type': failed ? (completion.error?.code ?? completion.status) : undefined,
      'aos.runproof.root_hash': facts.root_hash ?? undefined,
      'aos.runproof.verification_status': facts.verification_status,
      'aos.runproof.seal_key_id': facts.seal_key_id ?? undefined,
    }),
  };
};
