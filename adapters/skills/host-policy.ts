import { BlockList, isIP } from 'node:net';

/** Whether `http_call` may reach a host. A denial carries a human reason for the step outcome. */
export type HostVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

type DeniedRange = { readonly reason: string; readonly network: string; readonly prefix: number };

/** Checked in order: the first match names the reason. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
 * match the IPv4 ranges (net.BlockList does that). Beyond the design's list, multicast and the
 * reserved 240/4 block (with broadcast) are denied too: no HTTP service lives there. */
const DENIED_RANGES: readonly DeniedRange[] = [
  { reason: 'cloud metadata address', network: '169.254.169.254', prefix: 32 },
  { reason: 'cloud metadata address', network: 'fd00:ec2::254', prefix: 128 },
  { reason: 'link-local address', network: '169.254.0.0', prefix: 16 },
  { reason: 'link-local address', network: 'fe80::', prefix: 10 },
  { reason: 'loopback address', network: '127.0.0.0', prefix: 8 },
  { reason: 'loopback address', network: '::1', prefix: 128 },
  { reason: 'unspecified address', network: '0.0.0.0', prefix: 8 },
  { reason: 'unspecified address', network: '::', prefix: 128 },
  { reason: 'private address', network: '10.0.0.0', prefix: 8 },
  { reason: 'private address', network: '172.16.0.0', prefix: 12 },
  { reason: 'private address', network: '192.168.0.0', prefix: 16 },
  { reason: 'private address', network: 'fc00::', prefix: 7 },
  { reason: 'private address', network: 'fec0::', prefix: 10 },
  { reason: 'shared address space (CGNAT)', network: '100.64.0.0', prefix: 10 },
  { reason: 'IPv4-compatible IPv6 address', network: '::', prefix: 96 },
  { reason: 'multicast address', network: '224.0.0.0', prefix: 4 },
  { reason: 'multicast address', network: 'ff00::', prefix: 8 },
  { reason: 'reserved address', network: '240.0.0.0', prefix: 4 },
];

const RANGE_LISTS = DENIED_RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, isIP(range.network) === 6 ? 'ipv6' : 'ipv4');
  return { reason: range.reason, list };
});

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

/** Why an IP address is denied by default, or null when it is a public address. */
export const deniedAddressReason = (address: string): string | null => {
  const bare = normalizeHostname(address);
  const family = isIP(bare);
  if (family === 0) return null;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return RANGE_LISTS.find(({ list }) => list.check(bare, type))?.reason ?? null;
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

/** The check a plan gets before it runs: on the URL's literal host (an IP literal or a name known to
 * be internal). Other names pass here and are checked again after DNS resolution. */
export const checkUrlHost = (url: URL, allowedHosts: readonly string[]): HostVerdict => {
  const hostname = normalizeHostname(url.hostname);
  if (isAllowedByAgent(hostname, effectivePort(url), allowedHosts)) return { allowed: true };
  const reason = isIP(hostname) === 0 ? deniedNameReason(hostname) : deniedAddressReason(hostname);
  return reason === null
    ? { allowed: true }
    : { allowed: false, reason: `${hostname} is a ${reason}; the agent's allowed hosts do not list it` };
};

/** The check at execution, on what the URL's host resolved to. A name the agent allows passes; else
 * every address must be public or itself allowed by the agent. */
export const checkResolvedAddresses = (
  url: URL,
  addresses: readonly string[],
  allowedHosts: readonly string[],
): HostVerdict => {
  const literal = checkUrlHost(url, allowedHosts);
  if (!literal.allowed) return literal;
  const port = effectivePort(url);
  const hostname = normalizeHostname(url.hostname);
  if (isAllowedByAgent(hostname, port, allowedHosts)) return { allowed: true };
  for (const address of addresses) {
    const reason = deniedAddressReason(address);
    if (reason !== null && !isAllowedByAgent(address, port, allowedHosts)) {
      return {
        allowed: false,
        reason: `${hostname} resolves to ${address}, a ${reason}; the agent's allowed hosts do not list it`,
      };
    }
  }
  return { allowed: true };
};

/** The URL's hostname without brackets, as DNS lookup and the policy take it. */
export const urlHostname = (url: URL): string => normalizeHostname(url.hostname);
