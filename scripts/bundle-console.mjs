// Builds the web console (console/) into dist/console-assets: one ES module for the browser with
// Preact and the domain's verification code, the run page's verifying worker, and the style sheet, served by `aos serve` at /assets.
// The domain's two modules over node:crypto (sha256, ed25519-keys) are replaced by their browser
// twins of the same signatures (console/proof/browser-*.ts), and Node's Buffer by the `buffer`
// package: the page verifies with the same code as `aos verify`.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const OUT = 'dist/console-assets';
const BROWSER_TWINS = {
  [resolve('domain/proof/sha256.ts')]: resolve('console/proof/browser-sha256.ts'),
  [resolve('domain/proof/ed25519-keys.ts')]: resolve('console/proof/browser-ed25519.ts'),
};

/** Imports of a domain module with a browser twin resolve to the twin. */
const browserTwins = {
  name: 'browser-twins',
  setup(context) {
    context.onResolve({ filter: /(sha256|ed25519-keys)\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const twin = BROWSER_TWINS[target];
      return twin === undefined ? undefined : { path: twin };
    });
  },
};

await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
await build({
  // The page, and the Web Worker that verifies a run's bundle off the page's thread.
  entryPoints: { console: 'console/main.tsx', 'verify-worker': 'console/verify-worker.ts' },
  outdir: OUT,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: false,
  inject: ['console/proof/browser-buffer.ts'],
  plugins: [browserTwins],
  // A bundle that still reaches for Node is a build failure, not a page that breaks at run time.
  external: [],
  logLevel: 'warning',
});
await copyFile('console/console.css', `${OUT}/console.css`);
