import { defaultRedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { CliFailure } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { proofLines } from '../run-proof-report.js';
import { runAndProve, runDocument } from '../run-and-prove.js';
import { storeFailure, withDatabaseUrl, withRuntime } from '../runtime.js';
import { withJson } from './common-options.js';

type DemoArgs = { json: boolean };

const DEMO_TENANT = 'aos-demo-sandbox';
const DEMO_GOAL = 'Run proof v3 validation run';

const handler = async (args: ArgumentsCamelCase<DemoArgs>) =>
  runAndPrint(args, async () => {
    const [{ prepareDemoSandbox }, { startDemoService }, { registerAgent }, { systemClock }, { randomIds }] =
      await Promise.all([
        import('../demo-sandbox.js'),
        import('../demo-http-service.js'),
        import('../../domain/agent/agent-registration.js'),
        import('../../adapters/system-clock.js'),
        import('../../adapters/random-ids.js'),
      ]);
    const { demoKeyDirectory, initKeys } = await import('../../adapters/keys/key-directory.js');
    const { requireRunKeys } = await import('../signing-keys.js');
    const keysDirectory = demoKeyDirectory(process.env);
    await initKeys(keysDirectory, new Date().toISOString()); // a key_exists answer means it is there already
    const keys = await requireRunKeys(keysDirectory);
    return withRuntime(async (customer) => {
      const sandboxUrl = await prepareDemoSandbox(customer.url, process.env);
      const service = await startDemoService();
      try {
        return await withDatabaseUrl(sandboxUrl, customer.databaseKind, async (runtime) => {
          const registered = await registerAgent(
            {
              store: runtime.store,
              skills: runtime.skills,
              clock: systemClock,
              ids: randomIds,
              redaction: defaultRedactionPolicy,
            },
            {
              tenant_id: DEMO_TENANT,
              name: 'demo inventory checker',
              budget_cents: 100,
              allowed_hosts: [service.host],
              plan_template: {
                steps: [
                  {
                    skill: 'http_call',
                    params: { method: 'GET', url: `${service.baseUrl}/status`, timeout_ms: 5000 },
                  },
                  {
                    skill: 'json_transform',
                    params: { expression: 'body.items[?price > `0.1`].name', input_from_step: 0 },
                  },
                  { skill: 'echo', params: { message: '{{goal}}' } },
                ],
              },
            },
          );
          if (registered._tag === 'Left') {
            if (registered.left.kind === 'store') throw storeFailure(registered.left.error);
            throw new CliFailure(ExitCode.failed, 'demo_agent_invalid', registered.left.message);
          }
          const request = {
            tenant_id: DEMO_TENANT,
            agent_id: registered.right.agent.agent_id,
            goal: DEMO_GOAL,
            origin_system_id: 'aos-int-demo',
          };
          const { outcome, proof } = await runAndProve(runtime, request, keys);
          const verified = proof.integrity.verification_status === 'VERIFIED';
          return {
            exitCode: outcome.status === 'succeeded' && verified ? ExitCode.ok : ExitCode.failed,
            json: {
              sandbox_database: new URL(sandboxUrl).pathname.slice(1),
              ...runDocument(request, outcome, proof),
            },
            text: [
              `Demo sandbox database: ${new URL(sandboxUrl).pathname.slice(1)} (never the customer database)`,
              `Run ID: ${outcome.run_id}`,
              `Tenant ID: ${DEMO_TENANT}`,
              `Status: ${outcome.status}`,
              ...proofLines(proof),
            ].join('\n'),
          };
        });
      } finally {
        await service.close();
      }
    });
  });

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'run a sample agent end to end in a sandbox database of its own and print its proof',
  builder: (yargs: Argv) => withJson(yargs) as unknown as Argv<DemoArgs>,
  handler,
};
