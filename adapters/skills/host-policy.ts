import { isIP } from 'node:net';
import { deniedAddressReason } from './address-classification.js';

export { deniedAddressReason } from './address-classification.js';

/** Whether `http_call` may reach a host. A denial carries a human reason for the step outcome. */
export type HostVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const DENIED_NAMES: ReadonlyMap<string, string> = new Map([
  ['localhost', 'loopback name'],
  ['metadata.google.internal', 'cloud metadata name'],
  ['metadata', 'cloud metadata name'],
]);

/** "[::1]" → "::1", "Example.COM." → "example.com". */
const normalizeHostname = (hostname: string): string => {
  const unbracketed = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return unbracketed.toLowerCase().replace(/\.$/, '');
};

/** The same spelling the URL parser gives ("127.1" → "127.0.0.1", "0:0::1" → "::1"). */
const canonicalHost = (host: string): string => {
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  try {
    return normalizeHostname(new URL(`http://${bracketed}/`).hostname);
  } catch {
    return normalizeHostname(host);
  }
};

type AllowedEntry = { readonly host: string; readonly port: number | null };

/** "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 literal. Null when unreadable. */
const parseAllowedEntry = (entry: string): AllowedEntry | null => {
  const trimmed = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(trimmed);
  if (bracketed)
    return {
      host: canonicalHost(bracketed[1] ?? ''),
      port: bracketed[2] === undefined ? null : Number(bracketed[2]),
    };
  if (isIP(trimmed) === 6) return { host: canonicalHost(trimmed), port: null };
  const withPort = /^([^:]+):(\d{1,5})$/.exec(trimmed);
  if (withPort) return { host: canonicalHost(withPort[1] ?? ''), port: Number(withPort[2]) };
  return trimmed === '' || trimmed.includes(':') ? null : { host: canonicalHost(trimmed), port: null };
};

/** The port a request to the URL connects to (80/443 when the URL names none). */
export const effectivePort = (url: URL): number =>
  url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

/** True when the agent lists this host (any port) or this host:port. `host` is a hostname or IP. */
export const isAllowedByAgent = (host: string, port: number, allowedHosts: readonly string[]): boolean => {
  const wanted = canonicalHost(normalizeHostname(host));
  return allowedHosts.some((entry) => {
    const parsed = parseAllowedEntry(entry);
    return parsed !== null && parsed.host === wanted && (parsed.port === null || parsed.port === port);
  });
};

const deniedNameReason = (hostname: string): string | null =>
  DENIED_NAMES.get(hostname) ?? (hostname.endsWith('.localhost') ? 'loopback name' : null);

/** A host a connection is made to: a name or an IP literal (brackets allowed), and a port. */
export type Endpoint = { readonly hostname: string; readonly port: number };

const endpointOf = (url: URL): Endpoint => ({ hostname: url.hostname, port: effectivePort(url) });

/** The check on a literal host (an IP literal or a name known to be internal), before any lookup. */
const checkEndpointHost = (endpoint: Endpoint, allowedHosts: readonly string[]): HostVerdict => {
  const hostname = normalizeHostname(endpoint.hostname);
  if (isAllowedByAgent(hostname, endpoint.port, allowedHosts)) return { allowed: true };
  const reason = isIP(hostname) === 0 ? deniedNameReason(hostname) : deniedAddressReason(hostname);
  return reason === null
    ? { allowed: true }
    : { allowed: false, reason: `${hostname} is a ${reason}; the agent's allowed hosts do not list it` };
};

/** The check a plan gets before it runs: on the URL's literal host. Other names pass here and are
 * checked again on the addresses a connection is made to. */
export const checkUrlHost = (url: URL, allowedHosts: readonly string[]): HostVerdict =>
  checkEndpointHost(endpointOf(url), allowedHosts);

/** The check on the addresses a host resolved to, or a connection reached. A name the agent allows
 * passes; else every address must be public or itself allowed by the agent. */
export const checkEndpointAddresses = (
  endpoint: Endpoint,
  addresses: readonly string[],
  allowedHosts: readonly string[],
): HostVerdict => {
  const literal = checkEndpointHost(endpoint, allowedHosts);
  if (!literal.allowed) return literal;
  const { port } = endpoint;
  const hostname = normalizeHostname(endpoint.hostname);
  if (isAllowedByAgent(hostname, port, allowedHosts)) return { allowed: true };
  for (const address of addresses) {
    const reason =
      isIP(normalizeHostname(address)) === 0 ? 'not an IP address' : deniedAddressReason(address);
    if (reason !== null && !isAllowedByAgent(address, port, allowedHosts)) {
      return {
        allowed: false,
        reason: `${hostname} resolves to ${address}, a ${reason}; the agent's allowed hosts do not list it`,
      };
    }
  }
  return { allowed: true };
};

/** checkEndpointAddresses for the URL's host and port. */
export const checkResolvedAddresses = (
  url: URL,
  addresses: readonly string[],
  allowedHosts: readonly string[],
): HostVerdict => checkEndpointAddresses(endpointOf(url), addresses, allowedHosts);

/** The URL's hostname without brackets, as DNS lookup and the policy take it. */
export const urlHostname = (url: URL): string => normalizeHostname(url.hostname);
