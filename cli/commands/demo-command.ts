import { pipe } from 'fp-ts/lib/function.js';
import type { Argv, CommandModule } from 'yargs';
import type { SandboxError } from '../../adapters/postgres/sandbox-database.js';
import type { RunKeys } from '../../application/ports/run-keys.js';
import type { AgentRegistrationRequest } from '../../application/agents/register-agent.js';
import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { CliFailure, orThrow, usageError } from '../cli-failure.js';
import { runAndPrint, type CommandResult } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { proofLines } from '../run-proof-report.js';
import { runDocument } from '../run-document.js';
import { runFailure } from '../use-case-failures.js';
import { storeFailure, withDatabaseUrl, withRuntime, type Runtime } from '../runtime.js';
import { withJson, type ArgsOf, type OptionsOf } from './common-options.js';

const builder = (yargs: Argv) => withJson(yargs);

const DEMO_TENANT = 'aos-demo-sandbox';
const DEMO_GOAL = 'Run proof v3 validation run';

/** The demo's agent: it reads the local demo service, filters its items, echoes the goal. */
const demoAgent = (service: { host: string; baseUrl: string }): AgentRegistrationRequest => ({
  tenant_id: DEMO_TENANT,
  name: 'demo inventory checker',
  budget_cents: 100,
  allowed_hosts: [service.host],
  plan_template: {
    steps: [
      { skill: 'http_call', params: { method: 'GET', url: `${service.baseUrl}/status`, timeout_ms: 5000 } },
      {
        skill: 'json_transform',
        params: { expression: 'body.items[?price > `0.1`].name', input_from_step: 0 },
      },
      { skill: 'echo', params: { message: '{{goal}}' } },
    ],
  },
});

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
): Promise<CommandResult> => {
  const [{ registerAgent }, { runAndProve }, { runExecutionDeps }] = await Promise.all([
    import('../../application/agents/register-agent.js'),
    import('../../application/runs/run-and-prove.js'),
    import('../run-execution-deps.js'),
  ]);
  const deps = await runExecutionDeps(runtime);
  // The demo's template holds no credential: the default redaction policy checks it.
  const { agent } = pipe(
    await registerAgent({ ...deps, redaction: defaultRedactionPolicy }, demoAgent(service)),
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
    json: { sandbox_database: sandboxName, ...runDocument(request, outcome, proof) },
    text: [
      `Demo sandbox database: ${sandboxName} (never the customer database)`,
      `Run ID: ${outcome.run_id}`,
      `Tenant ID: ${DEMO_TENANT}`,
      `Status: ${outcome.status}`,
      ...proofLines(proof),
    ].join('\n'),
  };
};

const handler = async (args: ArgsOf<typeof builder>) =>
  runAndPrint(args, async () => {
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
    const keys = await requireRunKeys(keysDirectory);
    return withRuntime(async (customer) => {
      const sandboxUrl = pipe(
        await prepareDemoSandbox(customer.url, process.env),
        orThrow((error) => sandboxFailure(error, DEMO_DATABASE_NAME)),
      );
      const sandboxName = new URL(sandboxUrl).pathname.slice(1);
      const service = await startDemoService();
      try {
        return await withDatabaseUrl(sandboxUrl, customer.databaseKind, (runtime) =>
          runDemo(runtime, service, keys, sandboxName),
        );
      } finally {
        await service.close();
      }
    });
  });

export const demoCommand: CommandModule<object, OptionsOf<typeof builder>> = {
  command: 'demo',
  describe: 'run a sample agent end to end in a sandbox database of its own and print its proof',
  builder,
  handler,
};
