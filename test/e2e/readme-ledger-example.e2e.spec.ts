import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';

/** Issue 17 part 9: the README's "Using it" commands, as the README writes them (read from it, so
 * this fails when the README drifts), on a fresh AOS_HOME with the embedded database: a key, an
 * agent, a run, then the step disclosure and the tenant-ledger example (head, consistency proof,
 * `aos verify` of both) each exit 0 and verify. */
const root = fileURLToPath(new URL('../../', import.meta.url));

/** The fenced `sh` blocks of the README's "Using it" section. */
const usingItBlocks = async (): Promise<string[]> => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Using it\n')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
};

/** The lines of a block from the comment that starts with `heading` to the next blank line. */
const paragraph = (blocks: readonly string[], heading: string): string => {
  for (const block of blocks) {
    const start = block.indexOf(`# ${heading}`);
    if (start !== -1) return block.slice(start).split('\n\n')[0] ?? '';
  }
  throw new Error(`the README's "Using it" has no paragraph starting "# ${heading}"`);
};

/** One line (or heredoc) of the README that starts with `prefix`. */
const commandLine = (blocks: readonly string[], prefix: string): string => {
  const line = blocks
    .join('\n')
    .split('\n')
    .find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`the README's "Using it" has no line starting "${prefix}"`);
  return line;
};

/** Runs README shell text with `npx aos` / `npx aos-int` meaning the built CLIs. */
const shell = (script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const text = script
      .replaceAll('npx aos-int ', `node ${root}dist/bin/aos-int.js `)
      .replaceAll('npx aos ', `node ${root}dist/bin/aos.js `);
    const child = spawn('sh', ['-e', '-c', text], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AOS_DB_IDLE_SECONDS: '0', ...env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe("the README's tenant-ledger example, as written, on a fresh AOS_HOME", () => {
  let home = '';
  let work = '';
  afterAll(async () => {
    if (work !== '') await rm(work, { recursive: true, force: true });
    if (home === '') return;
    await runCli('aos-int', ['db', 'stop'], { AOS_HOME: home });
    await rm(home, { recursive: true, force: true });
  });

  it('keys, agent, run, then the disclosure and the ledger head, consistency and verify lines exit 0', async () => {
    const blocks = await usingItBlocks();
    home = await mkdtemp(join(tmpdir(), 'aos-home-readme-'));
    await chmod(home, 0o755); // the postgres account must pass through it
    work = await mkdtemp(join(tmpdir(), 'aos-readme-work-'));
    const env = { AOS_HOME: home };
    // Keeps the embedded server up between the commands (README "The embedded database").
    expect((await runCli('aos-int', ['db', 'start'], env)).code).toBe(0);

    const setup = [
      commandLine(blocks, 'npx aos-int keys init'),
      blocks.join('\n').match(/cat > template\.json <<'JSON'\n[\s\S]*?\nJSON\n/)?.[0] ?? 'false',
    ].join('\n');
    const prepared = await shell(setup, work, env);
    expect(prepared.code, prepared.stderr).toBe(0);
    const agent = await shell(
      commandLine(blocks, 'npx aos agents create --tenant-id acme --name checker'),
      work,
      env,
    );
    expect(agent.code, agent.stderr).toBe(0);
    const agentId = (JSON.parse(agent.stdout) as { agent_id: string }).agent_id;
    const run = await shell(
      commandLine(blocks, 'npx aos run --agent-id <agent_id>').replace('<agent_id>', agentId),
      work,
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const runId = /Run ID: (\S+)/.exec(run.stdout)?.[1] ?? '';

    const disclosure = await shell(
      paragraph(blocks, 'disclose one step').replaceAll('<run_id>', runId),
      work,
      env,
    );
    expect(disclosure.code, disclosure.stderr).toBe(0);
    expect(disclosure.stdout).toMatch(/^Step inclusion: step 1 of run /m);
    expect(disclosure.stdout).toContain('Verification status: VERIFIED');

    const ledger = await shell(paragraph(blocks, 'the tenant ledger'), work, env);
    expect(ledger.code, ledger.stderr).toBe(0);
    expect(ledger.stdout).toContain('Ledger consistency: tenant acme, size 1 to 1');
    expect(ledger.stdout).toContain('Verification status: VERIFIED');
    expect(ledger.stdout).toContain('Consistency: VERIFIED');
  });
});
