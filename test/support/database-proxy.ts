import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A database a test can cut off: a TCP relay on 127.0.0.1 in front of the test server. */
export type DatabaseProxy = {
  /** `databaseUrl` with its host and port replaced by the relay's. */
  readonly url: string;
  /** The outage: the relay stops listening and drops every connection it relays. */
  stop(): Promise<void>;
};

/** Relays loopback connections to the server of `databaseUrl` (a Postgres URL on the loopback)
 * until `stop()`: a command given `url` then loses its database mid-work, as in an outage. */
export const startDatabaseProxy = async (databaseUrl: string): Promise<DatabaseProxy> => {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
};
