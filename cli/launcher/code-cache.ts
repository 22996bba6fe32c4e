import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkTrustedDirectory, readFileSafely } from '../../adapters/files/safe-files.js';

/**
 * Where a CLI keeps V8's compiled code for its bundle between calls (Node 22's
 * `module.enableCompileCache()` does the same; Node 20 has no such thing). One file per bundle
 * build, Node version and command, so `aos run` finds the code `aos run` compiled last time. The
 * cache is an optimisation only: every failure to read or write it is ignored, and V8 itself
 * rejects data that does not match the source, the V8 version or its flags.
 *
 * Compiled code is code, so it is read from and written to only a real directory (not a symbolic
 * link) and files of this user (or root) that no one else may write: an AOS_CACHE_DIR shared with others is
 * not used at all, and files are opened without following links.
 */
export type CodeCache = { readonly directory: string; readonly file: string; readonly prefix: string };

/** AOS_CODE_CACHE=off disables the cache; AOS_CACHE_DIR moves it (default: the user's cache
 * directory, $XDG_CACHE_HOME/aos-runproof or ~/.cache/aos-runproof). Calls for help or the version
 * have a file of their own (`help`, `version`): what they compile is not what the command needs. */
export const codeCacheFor = (
  cli: string,
  buildId: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): CodeCache | null => {
  if (env.AOS_CODE_CACHE === 'off') return null;
  const directory =
    env.AOS_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aos-runproof');
  // Dots between the parts: `aos.` is not a prefix of `aos-int.`'s files.
  const prefix = `${cli}.`;
  const command = argv.find((arg) => !arg.startsWith('-')) ?? '';
  const name = argv.some((arg) => arg === '--help' || arg === '-h')
    ? 'help'
    : argv.includes('--version')
      ? 'version'
      : /^[a-z][a-z0-9-]{0,40}$/.test(command)
        ? command
        : 'other';
  const platform = `${process.version}-${process.arch}`;
  return { directory, prefix, file: join(directory, `${prefix}${buildId}.${platform}.${name}.v8`) };
};

const isPrivateDirectory = (path: string): boolean => checkTrustedDirectory(path) === null;

export const readCodeCache = (cache: CodeCache | null): Buffer | undefined => {
  if (cache === null || !isPrivateDirectory(cache.directory)) return undefined;
  const read = readFileSafely(cache.file, { followLinks: false, access: 'owner_writes', maxBytes: Infinity });
  // A plain tag check, not E.isRight: the launcher loads no fp-ts (safe-files builds its Eithers).
  return read._tag === 'Right' ? read.right : undefined;
};

/** Writes the data atomically (a new temporary file, then rename) and removes the files of older
 * builds of the same CLI. */
export const writeCodeCache = (cache: CodeCache, data: Buffer, buildId: string): void => {
  try {
    mkdirSync(cache.directory, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(cache.directory)) return;
    const temporary = `${cache.file}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, cache.file);
    for (const entry of readdirSync(cache.directory)) {
      if (
        entry.startsWith(cache.prefix) &&
        !entry.startsWith(`${cache.prefix}${buildId}.`) &&
        entry.endsWith('.v8')
      ) {
        rmSync(join(cache.directory, entry), { force: true });
      }
    }
  } catch {
    // A read-only or full disk costs the next call its compile time, nothing else.
  }
};
