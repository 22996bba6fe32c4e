import { connect, type Socket } from 'node:net';
import { spawnCli, type CliChild } from './cli-process.js';
import { waitFor } from './run-inspection.js';

/** `aos serve` started as a user would, with what it logged so far and the port it logged. */
export type Served = CliChild & { readonly port: number; readonly stderr: () => string };

/** Starts `aos serve --listen 127.0.0.1:0` and waits for its "listening on" line (JSON on stderr). */
export const startServe = async (env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Served> => {
  const cli = spawnCli('aos', ['serve', '--listen', '127.0.0.1:0', ...args], env);
  let stderr = '';
  cli.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let exited = false;
  void cli.done.then(() => (exited = true));
  const port = await waitFor(
    'the "listening on" log line',
    async () => {
      if (exited) throw new Error(`aos serve ended before listening:\n${stderr}`);
      const line = logLines(stderr).find((entry) => String(entry.msg).startsWith('listening on '));
      return line ? Number(/:(\d+)$/.exec(String(line.msg))?.[1]) : undefined;
    },
    60_000,
  );
  return { ...cli, port, stderr: () => stderr };
};

/** The JSON log lines of stderr (pino's: level, time, msg, ...). */
export const logLines = (stderr: string): Record<string, unknown>[] =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** An HTTP GET on the server, its status and JSON body. */
export const getJson = async (port: number, path: string): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.json() };
};

/** Waits until readyz says ready. */
export const untilReady = (served: Served): Promise<true> =>
  waitFor(
    'readyz 200',
    async () => ((await getJson(served.port, '/readyz')).status === 200 ? true : undefined),
    60_000,
  );

/** A request held in flight: its headers sent, the first `sent` bytes of its body, the rest held
 * back until `finish()`. `response` is everything the server answered, once it closes the socket. */
export type StalledRequest = { finish(): void; readonly response: Promise<string> };

export const stalledPost = async (port: number, path: string): Promise<StalledRequest> => {
  const body = 'held in flight';
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  const response = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => undefined);
  });
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 4)}`,
  );
  return { finish: () => void socket.write(body.slice(4)), response };
};
