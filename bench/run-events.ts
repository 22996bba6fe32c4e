import type { AgentRegistered } from '../domain/agent/agent-events.js';
import type { Plan } from '../domain/plan/plan.js';
import type { NewEvent } from '../domain/ports/event-store.js';
import { runDecider, type RunCommand } from '../domain/run/run-decider.js';
import type { RunEvent, StepExecuted } from '../domain/run/run-events.js';
import { chainRunEvents, emptyRunStream, type RunStream } from '../domain/run/run-stream.js';

/** What the echo skill records for one executed step of `message`. */
export const echoStep = (stepIndex: number, message: string): StepExecuted => ({
  step_index: stepIndex,
  skill: 'echo',
  params: { message },
  status: 'succeeded',
  outcome: { category: 'success', code: 'OK', data: { message } },
  cost_cents: 0,
  duration_ms: 0.05,
  retry_count: 0,
});

/** A plan of echo steps, the last one repeated `repeat` times. */
export const echoPlan = (steps: number, repeat: number, message: string): Plan => ({
  planner: 'template',
  planner_version: '1',
  steps: Array.from({ length: steps }, (_, index) => ({
    index,
    skill: 'echo',
    params: { message },
    max_retries: 0,
    timeout_ms: 60_000,
    on_failure: 'stop' as const,
    ...(index === steps - 1 && repeat > 1 ? { repeat } : {}),
  })),
});

/** Decides `command` against the stream's state; the decider's refusal is a bench bug. */
export const decide = (stream: RunStream, command: RunCommand): RunEvent[] => {
  const decided = runDecider.decide(command, stream.state);
  if (decided._tag === 'Left')
    throw new Error(`the decider refused ${command.type}: ${JSON.stringify(decided.left)}`);
  return decided.right;
};

/** Chains decided events onto the stream (seq, canonical bytes, links) as the runner does. */
export const chain = (
  stream: RunStream,
  events: readonly RunEvent[],
  recordedAt: string,
): { toAppend: NewEvent[]; next: RunStream } => {
  const chained = chainRunEvents(stream, events, recordedAt);
  if (chained._tag === 'Left') throw new Error(`chaining failed: ${JSON.stringify(chained.left)}`);
  return chained.right;
};

/** The events of a completed run of `steps` echo steps, decided and chained by the domain
 * (RunCreated, RunPlanned, RunStarted, `steps` StepExecuted, RunCompleted), ready for one append. */
export const shortRunEvents = (
  agent: AgentRegistered,
  runId: string,
  goal: string,
  steps: number,
  recordedAt: string,
): NewEvent[] => {
  let stream = emptyRunStream(agent.tenant_id, runId);
  const toAppend: NewEvent[] = [];
  const apply = (command: RunCommand) => {
    const chained = chain(stream, decide(stream, command), recordedAt);
    toAppend.push(...chained.toAppend);
    stream = chained.next;
  };
  apply({
    type: 'CreateRun',
    run_id: runId,
    tenant_id: agent.tenant_id,
    agent_id: agent.agent_id,
    goal,
    origin_system_id: 'bench',
    agent,
  });
  apply({ type: 'RecordPlan', plan: echoPlan(steps, 1, goal) });
  apply({ type: 'StartRun' });
  for (let i = 0; i < steps; i++) apply({ type: 'RecordStep', step: echoStep(i, goal) });
  apply({ type: 'CompleteRun', status: 'succeeded' });
  return toAppend;
};
