import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { AddressLookup } from './address-lookup.js';
import { HostDeniedError } from './host-denied-error.js';
import { checkEndpointAddresses, type Endpoint } from './host-policy.js';

/** What one connection may reach: the agent's allowed hosts, names resolved by `lookup`. */
export type ConnectionPolicy = { readonly lookup: AddressLookup; readonly allowedHosts: readonly string[] };

const endpointOf = (options: buildConnector.Options): Endpoint => ({
  hostname: options.hostname,
  port: options.port !== '' ? Number(options.port) : options.protocol === 'https:' ? 443 : 80,
});

const wantedFamily = (options: LookupOptions): 4 | 6 | null => {
  const { family } = options;
  return family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : null;
};

const notFound = (hostname: string): Error =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });

/** net's lookup for one connection: resolves once through the policy's lookup, and answers only
 * when every address it got is allowed; the socket then connects to exactly those addresses. */
const checkedLookup =
  (endpoint: Endpoint, policy: ConnectionPolicy): LookupFunction =>
  (hostname, options, callback) => {
    policy.lookup(hostname).then(
      (addresses) => {
        const verdict = checkEndpointAddresses(endpoint, addresses, policy.allowedHosts);
        if (!verdict.allowed) return callback(new HostDeniedError(verdict.reason), '');
        const family = wantedFamily(options);
        const entries: LookupAddress[] = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => entry.family !== 0 && (family === null || entry.family === family));
        const first = entries[0];
        if (first === undefined) return callback(notFound(hostname), '');
        return options.all === true ? callback(null, entries) : callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ''),
    );
  };

/** An undici connector that checks the host policy where the connection is made: a name is
 * resolved once and only allowed addresses are connected to (no second resolution can rebind it),
 * and the address the socket reached is checked again before any byte of the request is sent
 * (this also covers IP literals, which net connects to without a lookup). */
export const guardedConnector =
  (policy: ConnectionPolicy): buildConnector.connector =>
  (options, callback) => {
    const endpoint = endpointOf(options);
    const connect = buildConnector({ lookup: checkedLookup(endpoint, policy) });
    connect(options, (...args) => {
      const [error, socket] = args;
      if (error !== null) return callback(error, null);
      const reached = socket.remoteAddress;
      const verdict =
        reached === undefined
          ? { allowed: false as const, reason: `${endpoint.hostname}: the connected address is unknown` }
          : checkEndpointAddresses(endpoint, [reached], policy.allowedHosts);
      if (verdict.allowed) return callback(null, socket);
      socket.destroy();
      return callback(new HostDeniedError(verdict.reason), null);
    });
  };

/** A dispatcher for one http_call attempt: its own connections only, none shared with another
 * attempt or agent (a pooled connection would skip the check its new policy needs). */
export const createGuardedAgent = (policy: ConnectionPolicy): Agent =>
  new Agent({ connect: guardedConnector(policy) });
