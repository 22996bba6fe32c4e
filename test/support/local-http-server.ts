import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test server saw it; times are performance.now() of the test process. */
export type Hit = {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** When the client's socket closed, or null while it is open. */
  socketClosedAt: number | null;
};

/** The response to a hit; `n` counts the hits to the same path, from 1. Not responding (not
 * calling response.end) keeps the request hanging until the client gives up. */
export type Handler = (hit: Hit, response: ServerResponse, n: number) => void;

export type LocalServer = {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** 127.0.0.1:PORT, for --allowed-host */
  readonly host: string;
  readonly hits: Hit[];
  hitsTo(path: string): Hit[];
  close(): Promise<void>;
};

/** A real HTTP server on 127.0.0.1 that records every request it gets (headers, body, times). */
export const startLocalServer = async (handle: Handler): Promise<LocalServer> => {
  const hits: Hit[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const hit: Hit = {
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
        socketClosedAt: null,
      };
      hits.push(hit);
      request.socket.once('close', () => (hit.socketClosedAt = performance.now()));
      handle(hit, response, hits.filter((h) => h.path === path).length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    hits,
    hitsTo: (path) => hits.filter((h) => h.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};

export const sendJson = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};
