import * as E from 'fp-ts/lib/Either.js';

/** Where `aos serve` listens: an IP address (IPv4, or IPv6 in brackets) or `localhost`, and a port
 * (0: one the system picks, which the "listening" log line then gives). */
export type ListenAddress = { readonly host: string; readonly port: number };

export const DEFAULT_LISTEN = '127.0.0.1:4318';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

/** `HOST:PORT` (`[::1]:4318` for IPv6) decoded, or what is wrong with it. Host names other than
 * `localhost` are refused: the server binds one address, not what a name resolves to today. */
export const parseListenAddress = (value: string): E.Either<string, ListenAddress> => {
  const match = /^(\[([^\]]*)\]|[^:[\]]*):(\d{1,5})$/.exec(value);
  if (match === null)
    return E.left(`expected HOST:PORT (e.g. ${DEFAULT_LISTEN}), got ${JSON.stringify(value)}`);
  const host = match[2] ?? match[1] ?? '';
  const port = Number(match[3]);
  const bracketed = match[2] !== undefined;
  const hostOk = bracketed ? host.includes(':') && IPV6.test(host) : IPV4.test(host) || host === 'localhost';
  if (!hostOk) return E.left(`${JSON.stringify(host)} is not an IP address (IPv6 in brackets) or localhost`);
  if (port > 65_535) return E.left(`port ${port} is out of range (0-65535)`);
  return E.right({ host, port });
};
