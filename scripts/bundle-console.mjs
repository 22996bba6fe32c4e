// Builds the web console (console/) into dist/console-assets: one ES module for the browser with
// Preact and the domain's verification code, the run page's verifying worker, and the style sheet, served by `aos serve` at /assets.
// The domain's two modules over node:crypto (sha256, ed25519-keys) are replaced by their browser
// twins of the same signatures (console/proof/browser-*.ts; the worker's SHA-256 is
// console/proof/worker-sha256.ts, WebAssembly), and Node's Buffer by the `buffer` package: the page
// verifies with the same code as `aos verify`.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const OUT = 'dist/console-assets';
const BROWSER_TWINS = {
  [resolve('domain/proof/sha256.ts')]: resolve('console/proof/browser-sha256.ts'),
  [resolve('domain/proof/ed25519-keys.ts')]: resolve('console/proof/browser-ed25519.ts'),
};
/** The worker hashes a whole run: its SHA-256 is WebAssembly (hash-wasm). */
const WORKER_TWINS = {
  ...BROWSER_TWINS,
  [resolve('domain/proof/sha256.ts')]: resolve('console/proof/worker-sha256.ts'),
};

/** Imports of a domain module with a browser twin resolve to the twin. */
const browserTwins = (twins) => ({
  name: 'browser-twins',
  setup(context) {
    context.onResolve({ filter: /(sha256|ed25519-keys)\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const twin = twins[target];
      return twin === undefined ? undefined : { path: twin };
    });
  },
});

await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
const options = {
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
  // A bundle that still reaches for Node is a build failure, not a page that breaks at run time.
  external: [],
  logLevel: 'warning',
};
// The page, and the Web Worker that verifies a run's bundle off the page's thread.
await build({
  ...options,
  entryPoints: { console: 'console/main.tsx' },
  plugins: [browserTwins(BROWSER_TWINS)],
});
await build({
  ...options,
  entryPoints: { 'verify-worker': 'console/verify-worker.ts' },
  plugins: [browserTwins(WORKER_TWINS)],
});
await copyFile('console/console.css', `${OUT}/console.css`);
