import { createServer, type Server } from 'node:http';

/** A small JSON service on 127.0.0.1 that the demo agent calls with http_call, so the demo
 * exercises a real HTTP request without leaving the machine. */
export const startDemoService = async (): Promise<{
  readonly baseUrl: string;
  readonly host: string;
  close(): Promise<void>;
}> => {
  const server: Server = createServer((request, response) => {
    if (request.url === '/status') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          service: 'inventory',
          items: [
            { name: 'widget', price: 0.3 },
            { name: 'gadget', price: 12.5 },
            { name: 'free-sample', price: 0 },
          ],
        }),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('demo service has no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    host: '127.0.0.1',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
