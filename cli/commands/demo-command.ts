import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { SandboxError } from '../../adapters/postgres/sandbox-database.js';
import type { RunKeys } from '../../application/ports/run-keys.js';
import type { AgentRegistrationRequest } from '../../application/agents/register-agent.js';
import { DEFAULT_REPAIR_ATTEMPTS } from '../../domain/agent/agent-planner.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { CliFailure, orThrow, usageError } from '../cli-failure.js';
import { runAndPrint, type CommandResult } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { proofLines } from '../run-proof-report.js';
import { runDocument } from '../run-document.js';
import { runFailure } from '../use-case-failures.js';
import { storeFailure, withDatabaseUrl, withRuntime, type Runtime } from '../runtime.js';
import { withJson, type ArgsOf, type OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const builder = (yargs: Argv) =>
  withJson(yargs).option('planner', {
    type: 'string',
    describe:
      "template (default: the demo agent's fixed plan, no model) or llm (a model writes the plan from the goal: AOS_LLM_BASE_URL, AOS_LLM_MODEL)",
  });

type DemoPlanner = 'template' | 'llm';

const DEMO_TENANT = 'aos-demo-sandbox';
const DEMO_GOAL = 'Run proof v3 validation run';

const ITEMS_OVER_A_DIME = 'body.items[?price > `0.1`].name';

/** The demo's agent: it reads the local demo service, filters its items, echoes the goal; from a
 * template, or as a model plans it from the same task given as instructions. */
const demoAgent = (
  service: { host: string; baseUrl: string },
  planner: DemoPlanner,
): AgentRegistrationRequest => {
  const agent = {
    tenant_id: DEMO_TENANT,
    name: 'demo inventory checker',
    budget_cents: 100,
    allowed_hosts: [service.host],
  };
  if (planner === 'llm')
    return {
      ...agent,
      model_planner: {
        instructions: [
          'You check the inventory of the demo service, in three steps:',
          `1. http_call GET ${service.baseUrl}/status (timeout_ms 5000);`,
          `2. json_transform of step 0 with the expression ${ITEMS_OVER_A_DIME} (the names of the items priced over 0.1);`,
          '3. echo the goal as its message.',
        ].join('\n'),
        max_steps: 5,
        repair_attempts: DEFAULT_REPAIR_ATTEMPTS,
        skills: ['http_call', 'json_transform', 'echo'],
      },
    };
  return {
    ...agent,
    plan_template: {
      steps: [
        { skill: 'http_call', params: { method: 'GET', url: `${service.baseUrl}/status`, timeout_ms: 5000 } },
        { skill: 'json_transform', params: { expression: ITEMS_OVER_A_DIME, input_from_step: 0 } },
        { skill: 'echo', params: { message: '{{goal}}' } },
      ],
    },
  };
};

/** --planner: the demo stays offline on its template unless it says llm; llm is refused (exit 2,
 * before anything is written) when the model's endpoint is not configured. */
const demoPlanner = async (value: string | undefined): Promise<DemoPlanner> => {
  const planner = value ?? 'template';
  if (planner !== 'template' && planner !== 'llm')
    throw usageError('planner', `must be template or llm (got ${JSON.stringify(planner)})`);
  if (planner === 'llm') {
    const { modelPlanningProblem } = await import('../model-planning-setting.js');
    const problem = modelPlanningProblem(process.env);
    if (problem !== null)
      throw new CliFailure(
        ExitCode.usage,
        'planner_not_configured',
        `the demo was refused, nothing was written: ${problem}`,
      );
  }
  return planner;
};

const sandboxFailure = (error: SandboxError, sandboxName: string): CliFailure => {
  if (error.kind === 'sandbox_unavailable')
    return new CliFailure(ExitCode.infrastructure, 'sandbox_unavailable', error.message);
  return error.variable === 'AOS_DEMO_DATABASE_URL'
    ? usageError(error.variable, 'names the customer database; the demo needs a sandbox database of its own')
    : usageError(error.variable, `is the demo sandbox (${sandboxName}); point it at the customer database`);
};

/** Registers the demo agent in the sandbox and runs it to its proof. */
const runDemo = async (
  runtime: Runtime,
  service: { host: string; baseUrl: string },
  keys: RunKeys,
  sandboxName: string,
  planner: DemoPlanner,
): Promise<CommandResult> => {
  const [{ registerAgent }, { runAndProve }, { runExecutionDeps }] = await Promise.all([
    import('../../application/agents/register-agent.js'),
    import('../../application/runs/run-and-prove.js'),
    import('../run-execution-deps.js'),
  ]);
  const deps = await runExecutionDeps(runtime);
  // The demo's template holds no credential: the default redaction policy checks it.
  const { agent } = pipe(
    await registerAgent({ ...deps, redaction: defaultRedactionPolicy }, demoAgent(service, planner)),
    orThrow((error) =>
      error.kind === 'store'
        ? storeFailure(error.error)
        : new CliFailure(ExitCode.failed, 'demo_agent_invalid', error.message),
    ),
  );
  const request = {
    tenant_id: DEMO_TENANT,
    agent_id: agent.agent_id,
    goal: DEMO_GOAL,
    origin_system_id: 'aos-int-demo',
  };
  const { outcome, proof } = pipe(
    await runAndProve(deps, request, keys),
    orThrow((error) => runFailure(error, DEMO_TENANT, request.agent_id)),
  );
  const verified = proof.integrity.verification_status === 'VERIFIED';
  return {
    exitCode: outcome.status === 'succeeded' && verified ? ExitCode.ok : ExitCode.failed,
    json: { sandbox_database: sandboxName, planner, ...runDocument(request, outcome, proof) },
    text: [
      `Demo sandbox database: ${sandboxName} (never the customer database)`,
      `Planner: ${planner}`,
      `Run ID: ${outcome.run_id}`,
      `Tenant ID: ${DEMO_TENANT}`,
      `Status: ${outcome.status}`,
      ...proofLines(proof),
    ].join('\n'),
  };
};

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
    const planner = await demoPlanner(args.planner);
    const [
      { prepareDemoSandbox, DEMO_DATABASE_NAME },
      { startDemoService },
      keyDirectory,
      { requireRunKeys },
    ] = await Promise.all([
      import('../../adapters/postgres/sandbox-database.js'),
      import('../demo-http-service.js'),
      import('../../adapters/keys/key-directory.js'),
      import('../signing-keys.js'),
    ]);
    const keysDirectory = keyDirectory.demoKeyDirectory(process.env);
    await keyDirectory.initKeys(keysDirectory, new Date().toISOString()); // a key_exists answer means it is there already
    const keys = await requireRunKeys(keysDirectory, { kind: 'file' });
    return withRuntime(async (customer) => {
      const sandboxUrl = pipe(
        await prepareDemoSandbox(customer.url, process.env),
        orThrow((error) => sandboxFailure(error, DEMO_DATABASE_NAME)),
      );
      const sandboxName = new URL(sandboxUrl).pathname.slice(1);
      const service = await startDemoService();
      try {
        return await withDatabaseUrl(sandboxUrl, customer.databaseKind, (runtime) =>
          runDemo(runtime, service, keys, sandboxName, planner),
        );
      } finally {
        await service.close();
      }
    });
  });

export const demoCommand: CommandBody<OptionsOf<typeof builder>> = {
  builder,
  handler,
};
