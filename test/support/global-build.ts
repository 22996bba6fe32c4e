import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The end-to-end tests run the built CLI as shipped (the bundles in dist/bin): build it once
 * before any test file starts (and the console's assets). */
export default function build(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`],
    { cwd: root, stdio: 'inherit' },
  );
  execFileSync(process.execPath, [`${root}scripts/bundle-cli.mjs`], { cwd: root, stdio: 'inherit' });
  // The web console's browser assets, served by the built aos serve.
  execFileSync(process.execPath, [`${root}scripts/bundle-console.mjs`], { cwd: root, stdio: 'inherit' });
}
