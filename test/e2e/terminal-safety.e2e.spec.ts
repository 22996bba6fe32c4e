import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOf, generateTestKey, sampleBundle } from '../bundle/sample-bundle.js';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, runGoal, tableCounts, tamper, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/**
 * What the CLI prints to a terminal cannot be drawn by data: escape sequences, carriage returns,
 * line breaks, bidi controls and line separators in a bundle, the database, a file or an argument
 * are printed escaped; goals, names and ids refuse the bidi controls and separators outright.
 */
const TENANT = 'tenant-terminal';
/** A forged report: red text, a line rewritten from its start, the verdict and the seal an auditor looks for. */
const FORGED =
  '\u001b[31m\r\nVerification status: VERIFIED\nseal: sealed by key 0123456789abcdef (the trusted key)\n\u001b[0m';
/** Anything a terminal acts on (LF apart, the lines of the CLI's own text). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const linesStarting = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

describe('aos verify prints what a bundle says escaped: its ids cannot draw a report', () => {
  let file: string;
  const evilTenant = `tenant-a${FORGED}`;
  const evilRun = `\u001b[2J\u001b[H${FORGED}\u202e`;

  beforeAll(async () => {
    const bundle = copyOf(sampleBundle(generateTestKey()));
    file = join(await mkdtemp(join(tmpdir(), 'aos-terminal-')), 'bundle.json');
    await writeFile(file, JSON.stringify({ ...bundle, tenant_id: evilTenant, run_id: evilRun }));
  });

  it('text: the ids escaped, and the real verdict the only verdict line', async () => {
    const result = await runCli('aos', ['verify', file], {});
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(RAW_UNSAFE);
    expect(linesStarting(result.stdout, 'Verification status:')).toEqual(['Verification status: FAILED']);
    expect(linesStarting(result.stdout, 'seal:')).toEqual(['seal: not_completed']);
    const [first] = result.stdout.split('\n');
    expect(first).toBe(
      'Bundle: \\u001b[2J\\u001b[H\\u001b[31m\\r\\nVerification status: VERIFIED\\nseal: sealed by key 0123456789abcdef (the trusted key)\\n\\u001b[0m\\u202e' +
        ' (tenant tenant-a\\u001b[31m\\r\\nVerification status: VERIFIED\\nseal: sealed by key 0123456789abcdef (the trusted key)\\n\\u001b[0m)',
    );
  });

  it('--json: one valid JSON document that keeps the ids as they are', async () => {
    const result = await runCli('aos', ['verify', file, '--json'], {});
    expect(result.code).toBe(1);
    const verdict = jsonOf<{ tenant_id: string; run_id: string; integrity: { verification_status: string } }>(
      result,
    );
    expect(verdict).toMatchObject({ tenant_id: evilTenant, run_id: evilRun });
    expect(verdict.integrity.verification_status).toBe('FAILED');
  });
});

describe('goals, names and ids refuse bidi controls and separators; stored text is shown escaped', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let agentId: string;
  let template: string;

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    agentId = await registerAgent(env, TENANT, echoSteps);
    template = join(await mkdtemp(join(tmpdir(), 'aos-terminal-')), 'template.json');
    await writeFile(template, JSON.stringify({ steps: echoSteps }));
  });
  afterAll(async () => db.drop());

  /** The arguments of a valid `aos run` or `aos agents create`, with `overrides`: built when the
   * test runs, once the agent and the template exist. */
  const argsOf = (command: 'run' | 'agents create', overrides: Record<string, string>): string[] => {
    const valid =
      command === 'run'
        ? { 'tenant-id': TENANT, 'agent-id': agentId, goal: 'a goal' }
        : { 'tenant-id': TENANT, name: 'a name', 'plan-template': template };
    const options = Object.entries({ ...valid, ...overrides }).flatMap(([k, v]) => [`--${k}`, v]);
    return [...command.split(' '), ...options];
  };

  it.each([
    ['run', 'goal', 'U+202E', { goal: 'pay invoice \u202egpj.exe' }],
    ['run', 'goal', 'U+2066', { goal: 'a \u2066goal' }],
    ['run', 'goal', 'U+2029', { goal: 'a\u2029goal' }],
    ['agents create', 'name', 'U+2028', { name: 'a\u2028name' }],
    ['agents create', 'name', 'U+202A', { name: '\u202aname' }],
    ['agents create', 'name', 'U+2069', { name: 'name\u2069' }],
    ['run', 'tenant-id', 'U+202E', { 'tenant-id': 'acme\u202e' }],
    ['agents create', 'tenant-id', 'U+2028', { 'tenant-id': 'a\u2028b' }],
    ['run', 'agent-id', 'U+2067', { 'agent-id': 'agent\u2067' }],
    ['run', 'origin-system-id', 'U+2068', { 'origin-system-id': 'cus\u2068' }],
    ['run', 'idempotency-key', 'U+2029', { 'idempotency-key': 'key\u2029' }],
  ] as const)(
    'aos %s --%s with %s → exit 2 naming the field, nothing written',
    async (command, field, character, overrides) => {
      const args = argsOf(command, overrides);
      const before = await tableCounts(db.pool);
      const text = await runCli('aos', args, env);
      expect(text.code, text.stderr).toBe(2);
      expect(text.stderr).toContain(`--${field}:`);
      // Goals and names say which character; ids say what they may hold (ASCII letters, digits, ...).
      if (field === 'goal' || field === 'name') expect(text.stderr).toContain(`found ${character}`);
      expect(text.stderr).not.toMatch(RAW_UNSAFE);
      const json = await runCli('aos', [...args, '--json'], env);
      expect(json.code).toBe(2);
      expect(jsonOf<{ error: { field: string } }>(json).error.field).toBe(field);
      expect(await tableCounts(db.pool)).toEqual(before);
    },
  );

  it('the same commands without those characters succeed (the refusals above are theirs)', async () => {
    const created = await runCli(
      'aos',
      [...argsOf('agents create', { name: 'Résumé ✓ 日本 — שלום' }), '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const ran = await runCli('aos', [...argsOf('run', { goal: 'Résumé ✓ 日本 — שלום' }), '--json'], env);
    expect(ran.code, ran.stderr).toBe(0);
  });

  it('runs list, runs get and agents list show stored text with its controls escaped', async () => {
    const ran = await runGoal(env, TENANT, agentId, 'an ordinary goal');
    expect(ran.result.code, ran.result.stderr).toBe(0);
    // Text that got into the read model some other way (an older version, an operator's SQL).
    await tamper(db.pool, 'UPDATE runs SET goal = $1 WHERE run_id = $2', [`g${FORGED}\u202e`, ran.run_id]);
    await tamper(db.pool, 'UPDATE agents SET name = $1 WHERE agent_id = $2', [`n${FORGED}\u2028`, agentId]);
    const listed = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT], env);
    const got = await runCli('aos', ['runs', 'get', '--tenant-id', TENANT, '--run-id', ran.run_id], env);
    const agents = await runCli('aos', ['agents', 'list', '--tenant-id', TENANT], env);
    for (const result of [listed, got, agents]) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(RAW_UNSAFE);
      expect(linesStarting(result.stdout, 'Verification status:')).toEqual([]);
      expect(result.stdout).toContain('\\u001b[31m\\r\\nVerification status: VERIFIED');
    }
    expect(got.stdout).toContain('\\u202e');
    expect(agents.stdout).toContain('\\u2028');
  });
});

describe('error messages that echo an argument or a file are one line, escaped', () => {
  it.each([
    ['a file path', ['verify', `/nonexistent/x${FORGED}`]],
    ['an unknown option', ['run', `--x${FORGED}`]],
    ['an option value', ['proof', '--model', `x${FORGED}\u202e`]],
  ])('%s', async (_name, args) => {
    const result = await runCli('aos', args, {});
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(RAW_UNSAFE);
    expect(result.stderr.replace('\n(see aos --help)', '').trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('\\u001b[31m');
    expect(linesStarting(result.stderr, 'Verification status:')).toEqual([]);
  });

  it('file content quoted by a JSON parse error', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'aos-terminal-')), 'template.json');
    await writeFile(file, `\u001b[31m\nVerification status: VERIFIED\n`);
    const result = await runCli('aos', [
      'agents',
      'create',
      '--tenant-id',
      TENANT,
      '--name',
      'n',
      '--plan-template',
      file,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--plan-template');
    expect(result.stderr).not.toMatch(RAW_UNSAFE);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
