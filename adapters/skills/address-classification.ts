import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { embeddedIpv4 } from './embedded-ipv4.js';
import { machineAddresses } from './machine-addresses.js';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** Reasons for ipaddr.js's range names (its maintained list of the IANA special-purpose ranges).
 * Only 'unicast' is public; a name not listed here is denied as a special-purpose address. */
const RANGE_REASONS: Readonly<Record<string, string>> = {
  unspecified: 'unspecified address',
  broadcast: 'reserved address (broadcast)',
  multicast: 'multicast address',
  linkLocal: 'link-local address',
  loopback: 'loopback address',
  carrierGradeNat: 'shared address space (CGNAT)',
  private: 'private address',
  uniqueLocal: 'private address (unique local)',
  deprecatedSiteLocal: 'private address (site-local)',
  reserved: 'reserved address (IANA special-purpose)',
  teredo: 'Teredo tunnel address',
  // 64:ff9b::/96 is read by embeddedIpv4 before; what is left of rfc6052 is 64:ff9b:1::/48
  rfc6052: 'local-use NAT64 address (64:ff9b:1::/48)',
};

const CLOUD_METADATA: readonly IpAddress[] = [ipaddr.parse('169.254.169.254'), ipaddr.parse('fd00:ec2::254')];
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

const keyOf = (address: IpAddress): string => `${address.kind()}/${address.toNormalizedString()}`;

/** "[fe80::1%eth0]" → fe80::1; null when it is not an IP address (a name). IPv6 is spelled the URL
 * parser's way first, in hex only: ipaddr.js reads a dotted tail as IPv4-mapped ("::1.2.3.4" would
 * become ::ffff:102:304, where it is the IPv4-compatible ::102:304). */
const parseAddress = (text: string): IpAddress | null => {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const bare = unbracketed.split('%')[0] ?? '';
  const family = isIP(bare);
  if (family === 0) return null;
  return ipaddr.parse(family === 6 ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : bare);
};

const ipv6RangeReason = (address: ipaddr.IPv6, ownAddresses: ReadonlySet<string>): string | null => {
  const embedded = embeddedIpv4(address);
  if (embedded !== null) {
    const inner = addressReason(embedded.ipv4, ownAddresses);
    return inner === null
      ? null
      : `${inner} ${embedded.ipv4.toString()}, embedded in an IPv6 address (${embedded.form})`;
  }
  const name = address.range();
  if (name !== 'unicast') return RANGE_REASONS[name] ?? `special-purpose address (${name})`;
  if (address.match(IPV4_COMPATIBLE)) return 'IPv4-compatible IPv6 address';
  return address.match(GLOBAL_UNICAST) ? null : 'reserved address (outside global unicast 2000::/3)';
};

const addressReason = (address: IpAddress, ownAddresses: ReadonlySet<string>): string | null => {
  if (CLOUD_METADATA.some((metadata) => keyOf(metadata) === keyOf(address))) return 'cloud metadata address';
  const reason =
    address.kind() === 'ipv6'
      ? ipv6RangeReason(address as ipaddr.IPv6, ownAddresses)
      : address.range() === 'unicast'
        ? null
        : (RANGE_REASONS[address.range()] ?? `special-purpose address (${address.range()})`);
  if (reason !== null) return reason;
  return ownAddresses.has(keyOf(address))
    ? "local interface address (this machine's own, treated like loopback)"
    : null;
};

/** Why an IP address is denied by default, or null when it is a public address (or not an IP
 * address at all). Denied: every IANA special-purpose range (ipaddr.js's list), IPv6 outside the
 * global unicast 2000::/3, IPv6 forms that embed an IPv4 address when that address is denied,
 * and the addresses of this machine's own interfaces (`ownAddresses`, read now by default). */
export const deniedAddressReason = (
  address: string,
  ownAddresses: readonly string[] = machineAddresses(),
): string | null => {
  const parsed = parseAddress(address.trim().toLowerCase());
  if (parsed === null) return null;
  const own = new Set(
    ownAddresses.flatMap((own) => {
      const ownParsed = parseAddress(own.toLowerCase());
      return ownParsed === null ? [] : [keyOf(ownParsed)];
    }),
  );
  return addressReason(parsed, own);
};
