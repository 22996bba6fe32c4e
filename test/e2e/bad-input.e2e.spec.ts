import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createAgent, echoSteps, tableCounts } from '../support/cli-fixtures.js';
import { type TestDatabase } from '../support/fresh-database.js';
import { beforeAllEchoAgent } from '../support/echo-agent-database.js';

const TENANT = 'tenant-input';

describe('bad input is refused with the field named, the contract exit code, and nothing written', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let agentId: string;

  beforeAllEchoAgent(TENANT, (given) => ({ db, env, agentId } = given));

  const runArgs = (overrides: Record<string, string | null>) => {
    const base: Record<string, string | null> = {
      'tenant-id': TENANT,
      'agent-id': agentId,
      goal: 'a goal',
      ...overrides,
    };
    return ['run', ...Object.entries(base).flatMap(([k, v]) => (v === null ? [] : [`--${k}`, v])), '--json'];
  };

  it.each([
    ['missing tenant', { 'tenant-id': null }, 'tenant-id', 2],
    ['empty tenant', { 'tenant-id': '' }, 'tenant-id', 2],
    ['tenant with spaces', { 'tenant-id': 'acme corp' }, 'tenant-id', 2],
    ['missing agent', { 'agent-id': null }, 'agent-id', 2],
    ['missing goal', { goal: null }, 'goal', 2],
    ['blank goal', { goal: '   ' }, 'goal', 2],
    ['goal with a newline', { goal: 'line one\nline two' }, 'goal', 2],
    ['goal with an escape character', { goal: 'ring \u001b[31m bell' }, 'goal', 2],
    ['goal over 4000 characters', { goal: 'x'.repeat(4001) }, 'goal', 2],
    ['empty origin system', { 'origin-system-id': '' }, 'origin-system-id', 2],
  ])('aos run with $0 → exit $3', async (_name, overrides, field, code) => {
    const before = await tableCounts(db.pool);
    const result = await runCli('aos', runArgs(overrides), env);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(`--${field}`);
    expect(jsonOf<{ error: { field: string } }>(result).error.field).toBe(field);
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  // Whole-number options are taken in decimal digits only: yargs alone would read '' as 0 and 0x10 as 16.
  it.each(['', ' ', '0x10', '1e3', '1.5', '12abc', '-1'])(
    'aos run --budget-cents %j → exit 2, nothing written',
    async (value) => {
      const before = await tableCounts(db.pool);
      const result = await runCli('aos', [...runArgs({}), `--budget-cents=${value}`], env);
      expect(result.code).toBe(2);
      expect(jsonOf<{ error: { field: string } }>(result).error.field).toBe('budget-cents');
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );

  it.each([
    [
      'agents create --budget-cents',
      [
        'agents',
        'create',
        '--tenant-id',
        TENANT,
        '--name',
        'n',
        '--plan-template',
        'unused.json',
        '--budget-cents=',
      ],
      'budget-cents',
    ],
    [
      'agents create --max-retries',
      [
        'agents',
        'create',
        '--tenant-id',
        TENANT,
        '--name',
        'n',
        '--plan-template',
        'unused.json',
        '--max-retries',
        '0x2',
      ],
      'max-retries',
    ],
    [
      'agents create --step-timeout-ms',
      [
        'agents',
        'create',
        '--tenant-id',
        TENANT,
        '--name',
        'n',
        '--plan-template',
        'unused.json',
        '--step-timeout-ms',
        '1e4',
      ],
      'step-timeout-ms',
    ],
    [
      'proof --step',
      [
        'proof',
        '--tenant-id',
        TENANT,
        '--run-id',
        '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a',
        '--inclusion',
        '--step=',
      ],
      'step',
    ],
    [
      'ledger consistency --from',
      ['ledger', 'consistency', '--tenant-id', TENANT, '--from=', '--to', '1'],
      'from',
    ],
    ['runs list --limit', ['runs', 'list', '--tenant-id', TENANT, '--limit', '10', '--limit', '20'], 'limit'],
  ])('refuses an odd whole number in %s with exit 2, nothing written', async (_name, args, field) => {
    const before = await tableCounts(db.pool);
    const result = await runCli('aos', [...args, '--json'], env);
    expect(result.code, result.stderr).toBe(2);
    expect(jsonOf<{ error: { field: string } }>(result).error.field).toBe(field);
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  it('takes whole numbers written in decimal digits', async () => {
    const result = await runCli('aos', [...runArgs({}), '--budget-cents', '250'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(
      (
        await db.pool.query<{ budget_cents: number }>(
          "SELECT (data::jsonb->>'budget_cents')::int AS budget_cents FROM aos_events WHERE type = 'RunCreated' ORDER BY global_position DESC LIMIT 1",
        )
      ).rows[0]?.budget_cents,
    ).toBe(250);
  });

  it("refuses an unknown agent and another tenant's agent alike, exit 3, nothing written", async () => {
    const otherAgent = await createAgent(env, 'tenant-other', echoSteps);
    const before = await tableCounts(db.pool);
    const unknown = await runCli('aos', runArgs({ 'agent-id': 'no-such-agent' }), env);
    const foreign = await runCli('aos', runArgs({ 'agent-id': otherAgent }), env);
    expect(unknown.code).toBe(3);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr.replace(otherAgent, 'X')).toBe(unknown.stderr.replace('no-such-agent', 'X'));
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  it.each([
    ['a malformed run id', ['proof', '--tenant-id', TENANT, '--run-id', 'not-a-uuid'], 'run-id'],
    [
      'a run id one digit short of a UUID (any letter case is taken: cli-exit-codes.e2e)',
      ['proof', '--tenant-id', TENANT, '--run-id', '0F8E2B1C-5D4A-4C3B-9A21-7E6F5D4C3B2'],
      'run-id',
    ],
    ['a missing run id', ['events', '--tenant-id', TENANT], 'run-id'],
    ['a missing tenant', ['proof', '--run-id', '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a'], 'tenant-id'],
  ])('refuses %s with exit 2', async (_name, args, field) => {
    const result = await runCli('aos', [...args, '--json'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--${field}`);
  });

  it('refuses unknown options and commands with exit 2', async () => {
    expect((await runCli('aos', ['run', '--tenant', TENANT, '--json'], env)).code).toBe(2);
    expect((await runCli('aos', ['launch'], env)).code).toBe(2);
    // A bare `aos` prints its help (exit 0, cli-conventions.e2e); an unknown action does not.
    expect((await runCli('aos', ['runs', 'launch'], env)).code).toBe(2);
  });

  it('prints the usage error as one JSON document with --json and with --json=true', async () => {
    for (const flag of ['--json', '--json=true']) {
      const result = await runCli('aos', ['run', '--tenant-id', TENANT, '--no-such-option', 'x', flag], env);
      expect(result.code).toBe(2);
      expect(jsonOf<{ error: { code: string } }>(result).error.code).toBe('usage');
    }
    expect((await runCli('aos', ['run', '--no-such-option', 'x', '--json=false'], env)).stdout).toBe('');
  });

  it.each([
    ['an unknown skill', [{ skill: 'rm_rf', params: {} }], 'unknown skill'],
    ['params the skill cannot decode', [{ skill: 'echo', params: { text: 'x' } }], 'text'],
    [
      'a step reading a later step',
      [
        { skill: 'json_transform', params: { expression: 'a', input_from_step: 1 } },
        { skill: 'echo', params: { message: 'x' } },
      ],
      'input_from_step',
    ],
    [
      'an http_call to cloud metadata',
      [{ skill: 'http_call', params: { method: 'GET', url: 'http://169.254.169.254/latest/meta-data' } }],
      'url',
    ],
    ['no steps', [], 'steps'],
    [
      'a U+0000 in a param (Postgres cannot store it)',
      [{ skill: 'echo', params: { message: 'a\u0000b' } }],
      'U+0000',
    ],
  ])('refuses an agent whose template has %s, exit 2, nothing written', async (_name, steps, mention) => {
    const before = await tableCounts(db.pool);
    const error = await createAgent(env, TENANT, steps).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toContain('--plan-template');
    expect(error).toContain(mention);
    expect(await tableCounts(db.pool)).toEqual(before);
  });

  it('refuses a missing or malformed template file and a negative budget', async () => {
    const missing = await runCli(
      'aos',
      [
        'agents',
        'create',
        '--tenant-id',
        TENANT,
        '--name',
        'n',
        '--plan-template',
        '/nonexistent.json',
        '--json',
      ],
      env,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--plan-template');
    const budget = await runCli(
      'aos',
      [
        'agents',
        'create',
        '--tenant-id',
        TENANT,
        '--name',
        'n',
        '--plan-template',
        '/nonexistent.json',
        '--budget-cents',
        '-5',
      ],
      env,
    );
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('--budget-cents');
  });

  it('reports an unreachable database as exit 4', async () => {
    const result = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--json'], {
      DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none',
    });
    expect(result.code).toBe(4);
    expect(jsonOf<{ error: { code: string } }>(result).error.code).toBeDefined();
  });
});
