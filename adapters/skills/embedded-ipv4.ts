import ipaddr from 'ipaddr.js';

/** An IPv6 address that stands for an IPv4 address: a connection to it reaches that IPv4 host
 * (through the dual-stack socket itself, a NAT64 translator, a 6to4 relay, or SIIT). */
export type EmbeddedIpv4 = { readonly form: string; readonly ipv4: ipaddr.IPv4 };

const ipv4At = (parts: readonly number[], high: number, low: number): ipaddr.IPv4 => {
  const upper = parts[high] ?? 0;
  const lower = parts[low] ?? 0;
  return new ipaddr.IPv4([upper >> 8, upper & 0xff, lower >> 8, lower & 0xff]);
};

const WELL_KNOWN_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');
const IPV4_MAPPED = ipaddr.IPv6.parseCIDR('::ffff:0:0/96');
const IPV4_TRANSLATED = ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96');

/** The IPv4 address an IPv6 address embeds at a fixed place, or null for any other IPv6 address.
 * The local-use NAT64 prefix 64:ff9b:1::/48 is not here: where its IPv4 address sits depends on
 * the prefix length its operator chose, so it cannot be read (address-classification denies it). */
export const embeddedIpv4 = (address: ipaddr.IPv6): EmbeddedIpv4 | null => {
  const { parts } = address;
  if (address.match(IPV4_MAPPED)) return { form: 'IPv4-mapped', ipv4: ipv4At(parts, 6, 7) };
  if (address.match(IPV4_TRANSLATED)) return { form: 'IPv4-translated', ipv4: ipv4At(parts, 6, 7) };
  if (address.match(WELL_KNOWN_NAT64)) return { form: 'NAT64 64:ff9b::/96', ipv4: ipv4At(parts, 6, 7) };
  if (address.match(SIX_TO_FOUR)) return { form: '6to4 2002::/16', ipv4: ipv4At(parts, 1, 2) };
  return null;
};
