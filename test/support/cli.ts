import { spawnCli } from './cli-process.js';

export type CliResult = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/** Runs the built CLI (`aos` or `aos-int`) as a user would, in its own process, to its end. */
export const runCli = async (
  bin: 'aos' | 'aos-int',
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> => {
  const { code, stdout, stderr } = await spawnCli(bin, args, env).done;
  return { code, stdout, stderr };
};

/** The one JSON document a --json command printed. */
export const jsonOf = <T = Record<string, unknown>>(result: CliResult): T => {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
};
