import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, type CliChild } from './cli-process.js';
import { waitFor } from './run-inspection.js';
import { logLines } from './serve-process.js';

/** `aos-int witness serve` started as an operator would, with its port and its verifier key (both
 * from its JSON log lines on stderr). */
export type WitnessProcess = CliChild & {
  readonly port: number;
  readonly url: string;
  readonly verifierKey: string;
  readonly stderr: () => string;
};

export type WitnessFiles = { readonly directory: string; readonly key: string; readonly logs: string };

/** A witness's files: its key as `openssl genpkey -algorithm ed25519` writes it (mode 0600), its
 * logs file (`log <origin> <verifier key>` lines), and a state directory beside them. */
export const witnessFiles = async (logLinesText: string): Promise<WitnessFiles> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-witness-'));
  const key = join(directory, 'witness-key.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]);
  await chmod(key, 0o600);
  const logs = join(directory, 'logs.txt');
  await writeFile(logs, logLinesText);
  return { directory, key, logs };
};

/** Starts the witness on 127.0.0.1 (port 0, or the one given: a restart on the same port) and waits
 * for its ready line. */
export const startWitness = async (files: WitnessFiles, name: string, port = 0): Promise<WitnessProcess> => {
  const cli = spawnCli(
    'aos-int',
    [
      'witness',
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--state-dir',
      join(files.directory, 'state'),
      '--key',
      files.key,
      '--logs',
      files.logs,
      '--name',
      name,
    ],
    {},
  );
  let stderr = '';
  cli.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let exited = false;
  void cli.done.then(() => (exited = true));
  const ready = await waitFor('the witness ready line', async () => {
    if (exited) throw new Error(`the witness ended before it was ready:\n${stderr}`);
    const lines = logLines(stderr);
    const listening = lines.find((l) => String(l.msg).startsWith('listening on '));
    const readyLine = lines.find((l) => l.event === 'ready');
    return listening && readyLine
      ? {
          port: Number(/:(\d+)$/.exec(String(listening.msg))?.[1]),
          verifierKey: String(readyLine.verifier_key),
        }
      : undefined;
  });
  return { ...cli, ...ready, url: `http://127.0.0.1:${ready.port}`, stderr: () => stderr };
};

/** A POST /add-checkpoint: the status, the content type and the body as text. */
export const postCheckpoint = async (
  url: string,
  body: string,
): Promise<{ status: number; type: string; text: string }> => {
  const response = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
};
