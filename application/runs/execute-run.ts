import type { RunRequest } from '../../domain/run/run-request.js';
import * as E from 'fp-ts/lib/Either.js';
import type { RunCommand } from '../../domain/run/run-decider.js';
import type { RunCreated } from '../../domain/run/run-events.js';
import { emptyRunStream } from '../../domain/run/run-stream.js';
import { openingCommands } from './opening-commands.js';
import { cutOffByStoreFailure } from './run-cut-off.js';

import { driveRun } from './drive-run.js';
import {
  applyRunCommand,
  applyRunCommands,
  findAgent,
  outcomeOf,
  type RunExecutionDeps,
  type RunExecutionError,
  type RunOutcome,
} from './run-execution.js';

/** Creates a run and drives it to its end. `runId` is fresh unless the caller derived it from an
 * idempotency key. Returns Left only when the run could not be recorded; a run that failed is a
 * Right with status `failed`. */
export const executeRun = async (
  deps: RunExecutionDeps,
  request: RunRequest,
  runId: string = deps.ids.uuid(),
): Promise<E.Either<RunExecutionError, RunOutcome>> => {
  const agent = await findAgent(deps.store, request.tenant_id, request.agent_id);
  if (E.isLeft(agent)) return agent;
  const spec =
    agent.right && request.budget_cents !== undefined
      ? { ...agent.right, budget_cents: request.budget_cents }
      : agent.right;
  const create: RunCommand = {
    type: 'CreateRun',
    run_id: runId,
    tenant_id: request.tenant_id,
    agent_id: request.agent_id,
    goal: request.goal,
    origin_system_id: request.origin_system_id,
    agent: spec,
  };
  // The decider refuses CreateRun without an agent of this tenant (nothing is written).
  if (spec === undefined || agent.right === undefined) {
    const refused = await applyRunCommand(deps, emptyRunStream(request.tenant_id, runId), create);
    return E.isLeft(refused)
      ? refused
      : E.left({
          kind: 'domain',
          error: { kind: 'agent_not_found', agent_id: request.agent_id, tenant_id: request.tenant_id },
        });
  }
  // Created, planned and started in one append: the plan is stored before any step executes (a
  // model-planned agent without a model endpoint is refused by openingCommands, nothing written).
  const run: RunCreated = {
    run_id: runId,
    tenant_id: request.tenant_id,
    agent_id: request.agent_id,
    goal: request.goal,
    origin_system_id: request.origin_system_id,
    budget_cents: spec.budget_cents,
  };
  const opening = await openingCommands(deps, run, agent.right);
  if (E.isLeft(opening)) return opening;
  const opened = await applyRunCommands(deps, emptyRunStream(request.tenant_id, runId), [
    create,
    ...opening.right,
  ]);
  if (E.isLeft(opened)) return opened;
  deps.progress?.opened(runId);
  const state = opened.right.state;
  if (state.status === 'completed') return E.right(outcomeOf(opened.right, state.outcome));
  // From here on the run is recorded: a store that fails names it, for `aos runs resume`.
  const driven = await driveRun(deps, opened.right, agent.right, null);
  return E.isLeft(driven) ? E.left(cutOffByStoreFailure(opened.right)(driven.left)) : driven;
};
