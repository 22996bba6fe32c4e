import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads (tsconfig.build.json's folders, the console, the bundling scripts, the
 * configuration) and what it makes last (the bundles): the build is skipped when every one of these
 * outputs is newer than every input, as make would. */
const INPUTS = [
  'domain',
  'projections',
  'adapters',
  'application',
  'cli',
  'server',
  'bench',
  'console',
  'scripts',
  'migrations',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];
const OUTPUTS = ['dist/bin/aos.js', 'dist/bin/aos-int.js', 'dist/console-assets/console.js'];

const newestIn = (path: string): number => {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'node_modules')
    .reduce((newest, name) => Math.max(newest, newestIn(join(path, name))), stat.mtimeMs);
};

const upToDate = (root: string): boolean => {
  const outputs = OUTPUTS.map((path) => statSync(join(root, path), { throwIfNoEntry: false })?.mtimeMs);
  if (outputs.some((mtime) => mtime === undefined)) return false;
  const oldestOutput = Math.min(...(outputs as number[]));
  return INPUTS.every((path) => newestIn(join(root, path)) < oldestOutput);
};

/** The end-to-end tests run the built CLI as shipped (the bundles in dist/bin): build it once
 * before any test file starts (and the console's assets), unless dist/ is newer than every source
 * (as after `npm ci`, whose prepare script built it: about 28 CPU-seconds not spent twice). */
export default function build(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (upToDate(root)) {
    console.info('dist/ is newer than every source: not built again (npm run build forces it)');
    return;
  }
  execFileSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`],
    { cwd: root, stdio: 'inherit' },
  );
  execFileSync(process.execPath, [`${root}scripts/bundle-cli.mjs`], { cwd: root, stdio: 'inherit' });
  // The web console's browser assets, served by the built aos serve.
  execFileSync(process.execPath, [`${root}scripts/bundle-console.mjs`], { cwd: root, stdio: 'inherit' });
}
