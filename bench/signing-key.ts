import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSigner } from '../adapters/keys/key-directory.js';
import type { Signer } from '../domain/ports/signing-keys.js';
import { runNode } from './child-processes.js';

export type BenchKeys = { readonly directory: string; readonly signer: Signer };

const repository = new URL('../../', import.meta.url);

/** The CLI as it ships: package.json's `bin` entry (the bundle), else the compiled sources. */
export const cliPath = (name: 'aos' | 'aos-int'): string => {
  const manifest = JSON.parse(readFileSync(new URL('package.json', repository), 'utf8')) as {
    bin?: Record<string, string>;
  };
  const bin = manifest.bin?.[name];
  return bin ? new URL(bin, repository).pathname : unbundledCliPath(name);
};

/** The CLI compiled by tsc, module by module (dist/cli). */
export const unbundledCliPath = (name: 'aos' | 'aos-int'): string =>
  new URL(`../cli/${name}.js`, import.meta.url).pathname;

/** The environment the bench gives the product's CLI: this database, these keys, no EventStoreDB. */
export const cliEnvironment = (databaseUrl: string, keysDirectory: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, AOS_KEYS_DIR: keysDirectory };
  delete env.AOS_EVENTSTORE_URL;
  return env;
};

/** A signing key made as an operator makes it: `aos-int keys init` with AOS_KEYS_DIR. */
export const createBenchKeys = async (home: string): Promise<BenchKeys> => {
  const directory = join(home, 'keys');
  const env: NodeJS.ProcessEnv = { ...process.env, AOS_KEYS_DIR: directory };
  const made = await runNode([cliPath('aos-int'), 'keys', 'init', '--json'], env);
  if (made.code !== 0)
    throw new Error(`aos-int keys init failed (${made.code}): ${made.stderr}${made.stdout}`);
  const signer = await loadSigner(directory);
  if (signer._tag === 'Left')
    throw new Error(`loading the bench signing key: ${JSON.stringify(signer.left)}`);
  return { directory, signer: signer.right };
};
