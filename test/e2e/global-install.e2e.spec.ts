import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';

/** Issue 19, point 2: the package as users install it. `npm pack` of the built tree (global-build
 * made dist/; --ignore-scripts so that packing does not rebuild it under the other test files),
 * `npm install -g` of that tarball into a temporary prefix (production dependencies only, from
 * npm's cache where it has them), then the installed `aos` and `aos-int` from another directory. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const temporary: string[] = [];
const directory = async (prefix: string): Promise<string> => {
  const made = await mkdtemp(join(tmpdir(), prefix));
  await chmod(made, 0o755); // the postgres account must pass through an AOS_HOME in it
  temporary.push(made);
  return made;
};

const run = (
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

let installed: { bin: string; home: string; env: NodeJS.ProcessEnv } | undefined;
afterAll(async () => {
  if (installed !== undefined) await run(join(installed.bin, 'aos'), ['db', 'stop'], tmpdir(), installed.env);
  for (const made of temporary) await rm(made, { recursive: true, force: true });
});

describe('the packed package, installed globally', () => {
  it('ships only what runs, installs with `npm install -g`, and `aos` / `aos-int demo` work from another directory', async () => {
    const npmEnv = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' };
    const packs = await directory('aos-pack-');
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', packs, '--json'],
      root,
      npmEnv,
    );
    expect(packed.code, packed.stderr).toBe(0);
    const [manifest] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = manifest.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/bin/aos.js', 'dist/bin/aos-int.js']),
    );
    expect(files).toContain('migrations/0001_event_store.sql');
    expect(files).toContain('dist/bin/aos-db-idle.cjs');
    expect(files).toContain('dist/console-assets/console.js');
    // Nothing of the sources, the tests, the bench or tsc's module-by-module output.
    const allowed =
      /^(package\.json|README\.md|dist\/bin\/[\w-]+\.c?js|dist\/console-assets\/[\w.-]+|migrations\/\d{4}_[a-z0-9_]+\.sql)$/;
    expect(files.filter((path) => !allowed.test(path))).toEqual([]);

    const prefix = await directory('aos-global-');
    const tarball = join(packs, manifest.filename);
    const install = await run(
      'npm',
      ['install', '--global', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'],
      packs,
      npmEnv,
    );
    expect(install.code, install.stderr).toBe(0);
    expect(await readdir(join(prefix, 'bin'))).toEqual(expect.arrayContaining(['aos', 'aos-int']));
    const version = JSON.parse(
      await readFile(join(prefix, 'lib/node_modules/aos-runproof/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(version.version).toBe(
      (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    );

    const elsewhere = await directory('aos-elsewhere-');
    const home = join(elsewhere, 'home');
    const bin = join(prefix, 'bin');
    // The installed CLIs by name, from the PATH, as a user types them: no npx, no checkout.
    const env = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME,
      AOS_HOME: home,
      AOS_DB_IDLE_SECONDS: '0',
      CI: 'true',
    };
    installed = { bin, home, env };
    const printed = await run('aos', ['--version'], elsewhere, env);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout.trim()).toBe(version.version);
    const help = await run('aos', ['--help'], elsewhere, env);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('aos db');
    const demo = await run('aos-int', ['demo'], elsewhere, env);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Verification status: VERIFIED');
    const status = await run('aos', ['db', 'status', '--json'], elsewhere, env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ initialised: true, running: false, home });
  }, 600_000);
});
