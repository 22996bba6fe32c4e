import { agentStreamId } from '../../domain/stream-names.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { agentFromEvents, type AgentLookupError } from '../../domain/agent/agent-lookup.js';
import type { AgentRegistered } from '../../domain/agent/agent-events.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { IdGenerator } from '../../domain/ports/id-generator.js';
import type { Planner } from '../../domain/ports/planner.js';
import type { Signer } from '../../domain/ports/signing-keys.js';
import { toHex } from '../../domain/proof/sha256.js';
import type { RunCommand } from '../../domain/run/run-decider.js';
import { type RunStream } from '../../domain/run/run-stream.js';
import { createRunWriter, type RunWriteError, type RunWriterDeps } from './run-writer.js';
import { type RunCutOff } from './run-cut-off.js';
import { type StepExecutionDeps } from './execute-step.js';
import type { ObservedAgentRun, PlannerNotConfigured } from './opening-commands.js';
import type { ModelPlanningSetting } from '../planning/model-planning-deps.js';
import type { RunProgress } from './run-progress.js';

export type RunExecutionDeps = StepExecutionDeps & {
  readonly store: EventStore;
  readonly planner: Planner;
  /** The model planner, for agents whose plans a model writes (absent: not configured). */
  readonly modelPlanning?: ModelPlanningSetting;
  readonly ids: IdGenerator;
  /** The active signing key: a run is sealed in the append that completes it. */
  readonly signer: Signer;
  /** The operator's public keys: when given, a signer they do not hold completes nothing. */
  readonly keySet?: ReadonlyMap<string, Uint8Array>;
  /** Told the run's id and each step as it ends (signs of life); absent: nobody watches. */
  readonly progress?: RunProgress;
};

export type RunExecutionError =
  RunWriteError | RunCutOff | AgentLookupError | PlannerNotConfigured | ObservedAgentRun;

export type RunOutcome = {
  readonly run_id: string;
  readonly tenant_id: string;
  readonly status: 'succeeded' | 'failed' | 'halted';
  readonly chain_length: number;
  readonly root_hash: string;
  readonly stream: RunStream;
};

/** Decides commands one after the other against the stream, chains their events and appends them
 * all in one append (one round trip, one commit) with the stream's version as the expected
 * version: a concurrent writer makes this fail and write nothing. */
export const applyRunCommands = async (
  deps: RunWriterDeps,
  stream: RunStream,
  commands: readonly RunCommand[],
): Promise<E.Either<RunExecutionError, RunStream>> => {
  const writer = createRunWriter(deps, stream);
  const staged = writer.stage(commands);
  return E.isLeft(staged) ? staged : writer.flush();
};

/** How many records of pure steps (Skill.pure) the runner holds before it appends them anyway. */
export const PURE_STEPS_PER_APPEND = 64;

export const applyRunCommand = (
  deps: RunWriterDeps,
  stream: RunStream,
  command: RunCommand,
): Promise<E.Either<RunExecutionError, RunStream>> => applyRunCommands(deps, stream, [command]);

/** The agent registered under this id in this tenant (undefined when there is none there). */
export const findAgent = async (
  store: EventStore,
  tenantId: string,
  agentId: string,
): Promise<E.Either<RunExecutionError, AgentRegistered | undefined>> => {
  return pipe(
    store.readStream(tenantId, agentStreamId(agentId)),
    TE.mapLeft((error): RunExecutionError => ({ kind: 'store', error })),
    TE.flatMapEither(agentFromEvents),
  )();
};

export const outcomeOf = (stream: RunStream, status: RunOutcome['status']): RunOutcome => ({
  run_id: stream.runId,
  tenant_id: stream.tenantId,
  status,
  chain_length: stream.version,
  root_hash: toHex(stream.lastLink),
  stream,
});
