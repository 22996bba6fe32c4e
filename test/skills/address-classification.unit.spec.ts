import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkUrlHost, deniedAddressReason } from '../../adapters/skills/host-policy.js';

const NO_OWN_ADDRESSES: readonly string[] = [];

describe('host policy: IPv6 forms that embed an IPv4 address are checked as that IPv4 address', () => {
  it.each([
    ['::ffff:127.0.0.1', 'loopback', 'IPv4-mapped'],
    ['::ffff:10.0.0.1', 'private', 'IPv4-mapped'],
    ['::ffff:0:127.0.0.1', 'loopback', 'IPv4-translated'],
    ['::ffff:0:a9fe:a9fe', 'cloud metadata', 'IPv4-translated'],
    ['64:ff9b::7f00:1', 'loopback', 'NAT64'],
    ['64:ff9b::127.0.0.1', 'loopback', 'NAT64'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata', 'NAT64'],
    ['64:ff9b::c0a8:101', 'private', 'NAT64'],
    ['64:ff9b::6440:1', 'CGNAT', 'NAT64'],
    ['64:ff9b::c000:201', 'reserved', 'NAT64'],
    ['2002:7f00:1::', 'loopback', '6to4'],
    ['2002:7f00:1:0:1:2:3:4', 'loopback', '6to4'],
    ['2002:a9fe:a9fe::1', 'cloud metadata', '6to4'],
    ['2002:a00:1::1', 'private', '6to4'],
    ['2002:c633:6401::', 'reserved', '6to4'],
  ])('%s is denied (%s, %s)', (address, reason, form) => {
    const denied = deniedAddressReason(address, NO_OWN_ADDRESSES);
    expect(denied).toContain(reason);
    expect(denied).toContain(form);
  });

  it('denies the local-use NAT64 prefix 64:ff9b:1::/48 whole: where it embeds IPv4 is the operator’s choice', () => {
    for (const address of ['64:ff9b:1::7f00:1', '64:ff9b:1:7f00:0:100::', '64:ff9b:1::5db8:d822']) {
      expect(deniedAddressReason(address, NO_OWN_ADDRESSES)).toContain('local-use NAT64');
    }
  });

  it('lets an embedded public IPv4 address pass', () => {
    for (const address of ['::ffff:93.184.216.34', '64:ff9b::5db8:d822', '2002:5db8:d822::1']) {
      expect(deniedAddressReason(address, NO_OWN_ADDRESSES)).toBeNull();
    }
  });

  it('refuses the embedded forms in a URL at plan time', () => {
    for (const url of [
      'http://[64:ff9b::7f00:1]:8080/',
      'http://[2002:7f00:1::]/',
      'http://[::ffff:0:7f00:1]/',
    ]) {
      const verdict = checkUrlHost(new URL(url), []);
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toContain('loopback');
    }
  });
});

describe('host policy: the IANA special-purpose ranges are denied', () => {
  it.each([
    '192.0.0.1', // IETF protocol assignments 192.0.0.0/24
    '192.0.0.170',
    '192.0.2.1', // TEST-NET-1
    '198.18.0.1', // benchmarking 198.18.0.0/15
    '198.19.255.254',
    '198.51.100.7', // TEST-NET-2
    '203.0.113.9', // TEST-NET-3
    '192.88.99.1', // 6to4 relay anycast
    '192.31.196.1', // AS112
    '192.175.48.1', // AS112
    '192.52.193.1', // AMT
    '240.0.0.1', // reserved 240.0.0.0/4
    '2001:db8::1', // documentation
    '3fff::1', // documentation (RFC 9637)
    '2001:2::1', // benchmarking
    '2001:10::1', // ORCHID
    '2001:20::1', // ORCHIDv2
    '2001::1', // Teredo
    '100::1', // discard-only
    '5f00::1', // segment routing SIDs
    'fec0::1', // site-local
    '::1.2.3.4', // IPv4-compatible
    '4000::1', // outside 2000::/3: not assigned
  ])('%s is denied', (address) => {
    expect(deniedAddressReason(address, NO_OWN_ADDRESSES)).not.toBeNull();
  });

  it('keeps public addresses next to them public', () => {
    for (const address of ['192.0.1.255', '192.0.3.0', '198.17.255.255', '198.20.0.0', '203.0.114.1']) {
      expect(deniedAddressReason(address, NO_OWN_ADDRESSES)).toBeNull();
    }
  });
});

describe("host policy: this machine's own addresses are treated like loopback", () => {
  it('denies an address one of the interfaces has, public as it may be, in any spelling', () => {
    const own = ['93.184.216.34', '2606:2800:220:1::1', 'fe80::1%eth0'];
    expect(deniedAddressReason('93.184.216.34', own)).toContain('local interface address');
    expect(deniedAddressReason('2606:2800:220:1:0:0:0:1', own)).toContain('local interface address');
    expect(deniedAddressReason('::ffff:93.184.216.34', own)).toContain('local interface address');
    expect(deniedAddressReason('64:ff9b::5db8:d822', own)).toContain('local interface address');
    expect(deniedAddressReason('93.184.216.35', own)).toBeNull();
  });

  it("reads the machine's interfaces by default: every address of them is denied", () => {
    const addresses = Object.values(networkInterfaces()).flatMap((list) =>
      (list ?? []).map((a) => a.address),
    );
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(deniedAddressReason(address)).not.toBeNull();
  });
});
