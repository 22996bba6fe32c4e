import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { echoSteps, withSigningKey } from '../support/cli-fixtures.js';
import { registerAgent, runInProcess } from '../support/in-process-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';
import { runInTerminal, withoutEscapes } from '../support/pseudo-terminal.js';

const TENANT = 'tenant-tables';
const widest = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].length));

/** Issue 19, point 5: output for people (tables that fit the terminal) and for pipes (TSV, JSON). */
describe('tables for people, TSV and JSON for pipes', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const goals = ['a short goal', `a long goal ${'that goes on '.repeat(8)}and ends`];

  beforeAll(async () => {
    db = await freshDatabase();
    env = await withSigningKey({ DATABASE_URL: db.url });
    const agentId = await registerAgent(env, TENANT, echoSteps);
    for (const goal of goals) await runInProcess(env, TENANT, agentId, goal); // the tables are under test
  });
  afterAll(async () => db.drop());

  it.each([60, 80, 120])(
    'skills list fits a terminal of %i columns, every skill and word in it',
    async (columns) => {
      const shown = await runInTerminal('aos', ['skills', 'list'], {}, { columns });
      expect(shown.code).toBe(0);
      const text = withoutEscapes(shown.output).trimEnd();
      expect(widest(text)).toBeLessThanOrEqual(columns);
      // The first column, its cells' lines joined: every skill's whole name, wrapped or not.
      const names: string[] = [];
      let cell = '';
      const lines = text.split('\n');
      for (const line of lines.slice(lines.findIndex((l) => l.startsWith('├')) + 1)) {
        if (/^[├└]/.test(line)) {
          names.push(cell);
          cell = '';
        } else cell += line.split('│')[1]?.trim() ?? '';
      }
      expect(names).toEqual(['echo', 'http_call', 'json_transform', 'llm_invoke', 'wait']);
    },
  );

  it('runs list fits an 80-column terminal; into a pipe, a table is as wide as its text', async () => {
    const shown = await runInTerminal('aos', ['runs', 'list', '--tenant-id', TENANT], env, { columns: 80 });
    expect(shown.code).toBe(0);
    expect(widest(withoutEscapes(shown.output).trimEnd())).toBeLessThanOrEqual(80);
    const piped = await runCli('aos', ['skills', 'list'], env);
    expect(piped.code).toBe(0);
    expect(widest(piped.stdout)).toBeGreaterThan(120);
    // One line per skill between the rules: nothing wrapped.
    expect(piped.stdout.trimEnd().split('\n')).toHaveLength(3 + 5 * 2);
  });

  it('--output tsv: a head line, then one line per row, one field per column', async () => {
    const tsv = await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--output', 'tsv'], env);
    expect(tsv.code, tsv.stderr).toBe(0);
    const lines = tsv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('run_id\tagent_id\tstatus\trecorded\tcreated_at\tgoal');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.split('\t')).toHaveLength(6);
    const json = jsonOf<{ runs: { run_id: string }[] }>(
      await runCli('aos', ['runs', 'list', '--tenant-id', TENANT, '--json'], env),
    );
    expect(lines.slice(1).map((line) => line.split('\t')[0])).toEqual(json.runs.map((r) => r.run_id));
    const skills = await runCli('aos', ['skills', 'list', '--output', 'tsv']);
    expect(
      skills.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(['name', 'echo', 'http_call', 'json_transform', 'llm_invoke', 'wait']);
  });

  it('--output tsv escapes a tab, a line break and a backslash in a cell', async () => {
    const name = 'back\\slash';
    const created = await runCli(
      'aos-int',
      ['tokens', 'create', '--tenant-id', TENANT, '--name', name, '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const tsv = await runCli('aos-int', ['tokens', 'list', '--tenant-id', TENANT, '--output', 'tsv'], env);
    expect(tsv.code, tsv.stderr).toBe(0);
    const row = tsv.stdout.replace(/\n$/, '').split('\n')[1]!.split('\t');
    expect(row).toHaveLength(6);
    expect(row[2]).toBe('back\\\\slash');
  });

  it('--output is checked: an unknown format is a usage error', async () => {
    const result = await runCli('aos', ['skills', 'list', '--output', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Argument: output');
  });
});
