import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { CreateAgentError } from '../../application/agents/create-agent.js';
import { type AgentRegistrationRequest, AgentNameC } from '../../application/agents/register-agent.js';
import { ALLOWED_HOST_PATTERN as HOST_PATTERN } from '../../domain/agent/allowed-host.js';
import { DEFAULT_BUDGET_CENTS, MAX_BUDGET_CENTS } from '../../domain/agent/budget.js';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { MAX_STEP_RETRIES, MAX_STEP_TIMEOUT_MS, PlanTemplateInputC } from '../../domain/plan/plan.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_STEP_TIMEOUT_MS } from '../../domain/plan/step-defaults.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { CliFailure, orThrow, usageError } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import { decodeIntegerOption, decodeOption } from '../input-validation.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { describeProjectionError } from '../use-case-failures.js';
import { withJson, withTenant, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';
import { modelPlannerOf, plannerKind } from './model-planner-options.js';
import {
  DEFAULT_REPAIR_ATTEMPTS,
  MAX_MODEL_PLAN_STEPS,
  MAX_REPAIR_ATTEMPTS,
} from '../../domain/agent/agent-planner.js';

const createOptions = (yargs: Argv) =>
  withJson(withTenant(yargs))
    .option('name', { type: 'string', describe: 'agent name (1-200 characters)' })
    .option('planner', {
      type: 'string',
      describe:
        'template (default: the plan comes from --plan-template) or llm (a model writes each plan from the goal: AOS_LLM_BASE_URL, AOS_LLM_MODEL)',
    })
    .option('plan-template', {
      type: 'string',
      describe: 'JSON file {"steps":[{"skill":..,"params":{..}}]}; {{goal}} is replaced by the goal',
    })
    .option('instructions', {
      type: 'string',
      describe: 'llm: a text file of instructions given to the model with every goal',
    })
    .option('max-steps', {
      type: 'string',
      describe: `llm: the step ceiling of its plans, repeats counted (1-${MAX_MODEL_PLAN_STEPS}, default ${MAX_MODEL_PLAN_STEPS})`,
    })
    .option('repair-attempts', {
      type: 'string',
      describe: `llm: times an invalid plan is sent back with its errors (0-${MAX_REPAIR_ATTEMPTS}, default ${DEFAULT_REPAIR_ATTEMPTS})`,
    })
    .option('skill', {
      type: 'string',
      array: true,
      describe: 'llm: a skill its plans may use (repeatable; default: every skill)',
    })
    .option('budget-cents', {
      type: 'string',
      describe: `budget of each run in cents (default ${DEFAULT_BUDGET_CENTS})`,
    })
    .option('max-retries', {
      type: 'string',
      describe: `retries of a step's retryable failures when its template does not say (0-${MAX_STEP_RETRIES}, default ${DEFAULT_MAX_RETRIES})`,
    })
    .option('step-timeout-ms', {
      type: 'string',
      describe: `timeout of a step when its template does not say (default ${DEFAULT_STEP_TIMEOUT_MS})`,
    })
    .option('allowed-host', {
      alias: 'allowed-hosts',
      type: 'string',
      array: true,
      describe: 'host http_call may reach although the host policy denies it (repeatable)',
    });
type CreateArgs = ArgsOf<typeof createOptions>;
const listOptions = (yargs: Argv) => withJson(withTenant(yargs));

/** A plan template's size limit: 50 steps fit in a few kB; a file of megabytes is a mistake. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

const readTemplate = async (path: string | undefined) => {
  if (path === undefined || path === '')
    throw usageError(
      'plan-template',
      'is required (a JSON file: {"steps":[{"skill":"echo","params":{"message":"{{goal}}"}}]})',
    );
  const { readFileSafely } = await import('../../adapters/files/safe-files.js');
  const { describeFileRefusal } = await import('../file-refusal-messages.js');
  const bytes = readFileSafely(path, { followLinks: true, access: 'anyone', maxBytes: MAX_TEMPLATE_BYTES });
  // Too large, not a regular file, unreadable: a usage error naming the file, before it is read.
  if (E.isLeft(bytes))
    throw usageError(
      'plan-template',
      `cannot read ${path}: it ${describeFileRefusal(bytes.left)}${bytes.left.kind === 'too_large' ? ' bytes that a plan template may have' : ''}`,
    );
  const text = bytes.right.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError('plan-template', `${path} is not JSON: ${(error as Error).message}`);
  }
  return decodeOption(PlanTemplateInputC, 'plan-template', parsed);
};

/** The agent asked for on the command line, decoded: exit 2 naming the first bad option. */
const agentRequest = async (args: CreateArgs): Promise<AgentRegistrationRequest> => {
  // Decoded in the order of the options' help, so the first bad one is the one named.
  const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
  const name = decodeOption(AgentNameC, 'name', args.name);
  const budget = decodeIntegerOption(
    intBetween(0, MAX_BUDGET_CENTS),
    'budget-cents',
    args['budget-cents'] ?? DEFAULT_BUDGET_CENTS,
  );
  const maxRetries =
    args['max-retries'] === undefined
      ? undefined
      : decodeIntegerOption(intBetween(0, MAX_STEP_RETRIES), 'max-retries', args['max-retries']);
  const stepTimeout =
    args['step-timeout-ms'] === undefined
      ? undefined
      : decodeIntegerOption(intBetween(1, MAX_STEP_TIMEOUT_MS), 'step-timeout-ms', args['step-timeout-ms']);
  const request = {
    tenant_id: tenantId,
    name,
    budget_cents: budget,
    ...(maxRetries === undefined ? {} : { max_retries: maxRetries }),
    ...(stepTimeout === undefined ? {} : { step_timeout_ms: stepTimeout }),
  };
  const hosts = (args['allowed-host'] ?? []).map(String);
  const badHost = hosts.find((host) => !HOST_PATTERN.test(host));
  if (badHost !== undefined)
    throw usageError('allowed-host', `"${badHost}" is not a host name, IP literal or host:port`);
  if (plannerKind(args) === 'template')
    return { ...request, allowed_hosts: hosts, plan_template: await readTemplate(args['plan-template']) };
  const { builtinSkillRegistry } = await import('../../adapters/skills/builtin-skill-registry.js');
  const skills = builtinSkillRegistry()
    .list()
    .map((skill) => skill.name);
  return { ...request, allowed_hosts: hosts, model_planner: await modelPlannerOf(args, skills) };
};

const createdFailure = (error: CreateAgentError): CliFailure => {
  if (error.kind === 'store') return storeFailure(error.error);
  if (error.kind === 'projection_failed')
    return new CliFailure(
      ExitCode.infrastructure,
      'projection_failed',
      `agent recorded, but projecting it failed: ${describeProjectionError(error.error)}`,
    );
  if (error.kind === 'invalid_template') return usageError('plan-template', error.message);
  const field = error.problems[0]?.field ?? 'planner';
  return usageError(field.startsWith('skills') ? 'skill' : field, error.message);
};

const create = async (args: CreateArgs) =>
  runAndPrint(args, async () => {
    const request = await agentRequest(args);
    const redaction = (await import('../redaction-config.js')).redactionPolicyFromEnv(process.env);
    const [{ createAgent }, { systemClock }, { randomIds }] = await Promise.all([
      import('../../application/agents/create-agent.js'),
      import('../../adapters/system-clock.js'),
      import('../../adapters/random-ids.js'),
    ]);
    return withRuntime(async ({ store, skills, readModel }) => {
      const agent = pipe(
        await createAgent(
          { store, skills, readModel, clock: systemClock, ids: randomIds, redaction },
          request,
        ),
        orThrow(createdFailure),
      );
      return {
        exitCode: ExitCode.ok,
        json: {
          agent_id: agent.agent_id,
          tenant_id: agent.tenant_id,
          name: agent.name,
          planner: agent.planner.kind,
          ...(agent.planner.kind === 'llm'
            ? {
                max_steps: agent.planner.max_steps,
                repair_attempts: agent.planner.repair_attempts,
                skills: agent.planner.skills,
              }
            : {}),
          budget_cents: agent.budget_cents,
          allowed_hosts: agent.allowed_hosts,
          max_retries: agent.max_retries ?? DEFAULT_MAX_RETRIES,
          step_timeout_ms: agent.step_timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS,
        },
        text: `Agent ID: ${agent.agent_id}\nTenant ID: ${agent.tenant_id}\nName: ${shown(agent.name)}\nPlanner: ${agent.planner.kind}`,
      };
    });
  });

const list = async (args: ArgsOf<typeof listOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    return withRuntime(async ({ readModel }) => {
      const agents = await readModel.queries.listAgents(tenantId);
      return {
        exitCode: ExitCode.ok,
        json: { tenant_id: tenantId, agents },
        table: {
          head: ['agent_id', 'name', 'planner', 'steps', 'budget_cents', 'created_at'],
          rows: agents.map((a) => [
            a.agent_id,
            a.name,
            a.planner,
            a.steps ?? '',
            a.budget_cents,
            a.created_at,
          ]),
          wrap: ['name'],
        },
      };
    });
  });

export const agentsCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'create',
        describe:
          'register an agent: its plans from a template, or written by a language model (--planner llm)',
        builder: createOptions,
        handler: create,
      })
      .command({
        command: 'list',
        describe: "list the tenant's agents",
        builder: listOptions,
        handler: list,
      })
      .demandCommand(1),
  handler: () => undefined,
};
