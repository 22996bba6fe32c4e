import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

const running = new Set<ChildProcess>();

export type ChildResult = {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
};

/** Runs `node <args>` to its end and times it from spawn to exit. With `discardStdout` its stdout
 * goes to /dev/null (as `> /dev/null` would) instead of being collected. A child still running
 * after `timeoutMs` is killed and the bench fails: a hang is a finding, not a figure. */
export const runNode = (
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { readonly discardStdout?: boolean; readonly timeoutMs?: number } = {},
): Promise<ChildResult> => {
  const devNull = options.discardStdout ? openSync('/dev/null', 'w') : null;
  const stdio: StdioOptions = ['ignore', devNull ?? 'pipe', 'pipe'];
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args], { env, stdio });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let ms = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const done = () => {
      clearTimeout(timer);
      running.delete(child);
      if (devNull !== null) closeSync(devNull);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('exit', () => {
      ms = performance.now() - started;
    });
    child.once('close', (code) => {
      done();
      if (timedOut)
        reject(
          new Error(
            `node ${args.join(' ')} still running after ${timeoutMs} ms: killed (stderr: ${stderr.trim() || 'none'})`,
          ),
        );
      else resolve({ code, stdout, stderr, ms });
    });
  });
};

/** Stops every child still running (interrupted bench). */
export const killChildren = (): void => {
  for (const child of running) child.kill('SIGTERM');
};

/** Starts `node <args>` and leaves it running (a server): stopped by `killChildren` when the bench
 * is interrupted, else by its caller. Its stdout is ignored, its stderr piped. */
export const spawnNode = (args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess => {
  const child = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
};
