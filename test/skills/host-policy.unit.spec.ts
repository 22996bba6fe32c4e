import { describe, expect, it } from 'vitest';
import {
  checkResolvedAddresses,
  checkUrlHost,
  deniedAddressReason,
  isAllowedByAgent,
} from '../../adapters/skills/host-policy.js';

const verdict = (url: string, allowedHosts: readonly string[] = []) =>
  checkUrlHost(new URL(url), allowedHosts);

describe('host policy: addresses denied by default', () => {
  it.each([
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['169.254.10.20', 'link-local'],
    ['fe80::1', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fdab:cdef::1', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('%s is denied (%s)', (address, reason) => {
    expect(deniedAddressReason(address)).toContain(reason);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '2606:2800:220:1::1',
    '11.0.0.1',
  ])('%s is public', (address) => expect(deniedAddressReason(address)).toBeNull());

  it('reads bracketed IPv6 and ignores names', () => {
    expect(deniedAddressReason('[::1]')).toContain('loopback');
    expect(deniedAddressReason('example.com')).toBeNull();
  });
});

describe('host policy: the literal host of a URL (plan validation)', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.GOOGLE.INTERNAL./',
    'http://localhost:8080/',
    'http://api.localhost/',
    'http://127.0.0.1:8080/status',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'https://10.1.2.3/',
    'http://0.0.0.0:3000/',
  ])('denies %s', (url) => {
    const result = verdict(url);
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.reason).toMatch(/allowed hosts/);
  });

  it('lets public IPs and names pass (names are checked again after DNS resolution)', () => {
    expect(verdict('https://93.184.216.34/')).toEqual({ allowed: true });
    expect(verdict('https://api.example.com/x')).toEqual({ allowed: true });
  });

  it('allows a denied host the agent lists, by exact host or IP', () => {
    expect(verdict('http://127.0.0.1:8080/status', ['127.0.0.1'])).toEqual({ allowed: true });
    expect(verdict('http://localhost:8080/', ['localhost'])).toEqual({ allowed: true });
    expect(verdict('http://LocalHost:8080/', ['LOCALHOST'])).toEqual({ allowed: true });
    expect(verdict('http://10.0.0.5/', ['10.0.0.6']).allowed).toBe(false);
    expect(verdict('http://127.0.0.1/', ['localhost']).allowed).toBe(false);
  });

  it('reads host:port entries: only that port is allowed (default ports count)', () => {
    expect(verdict('http://127.0.0.1:8080/', ['127.0.0.1:8080'])).toEqual({ allowed: true });
    expect(verdict('http://127.0.0.1:8081/', ['127.0.0.1:8080']).allowed).toBe(false);
    expect(verdict('http://10.0.0.1/', ['10.0.0.1:80'])).toEqual({ allowed: true });
    expect(verdict('https://10.0.0.1/', ['10.0.0.1:80']).allowed).toBe(false);
    expect(verdict('https://10.0.0.1/', ['10.0.0.1:443'])).toEqual({ allowed: true });
  });

  it('reads IPv6 entries with or without brackets and port, in any spelling', () => {
    expect(verdict('http://[::1]:8080/', ['[::1]'])).toEqual({ allowed: true });
    expect(verdict('http://[::1]:8080/', ['::1'])).toEqual({ allowed: true });
    expect(verdict('http://[::1]:8080/', ['[::1]:8080'])).toEqual({ allowed: true });
    expect(verdict('http://[::1]:8080/', ['[0:0:0:0:0:0:0:1]:8080'])).toEqual({ allowed: true });
    expect(verdict('http://[::1]:8081/', ['[::1]:8080']).allowed).toBe(false);
    expect(verdict('http://[fe80::1]/', ['127.0.0.1']).allowed).toBe(false);
  });

  it('ignores entries it cannot read', () => {
    expect(isAllowedByAgent('127.0.0.1', 80, ['', 'http://127.0.0.1', '127.0.0.1:port'])).toBe(false);
  });
});

describe('host policy: resolved addresses (execution)', () => {
  const url = new URL('https://service.example.com/x');

  it('denies a name when any address it resolves to is denied', () => {
    const result = checkResolvedAddresses(url, ['93.184.216.34', '10.0.0.7'], []);
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.reason).toContain('10.0.0.7');
    expect(checkResolvedAddresses(url, ['169.254.169.254'], []).allowed).toBe(false);
  });

  it('allows a name whose addresses are all public', () => {
    expect(checkResolvedAddresses(url, ['93.184.216.34', '2606:2800:220:1::1'], [])).toEqual({
      allowed: true,
    });
  });

  it('allows a name the agent lists, whatever it resolves to', () => {
    expect(checkResolvedAddresses(url, ['10.0.0.7'], ['service.example.com'])).toEqual({ allowed: true });
    expect(checkResolvedAddresses(url, ['10.0.0.7'], ['service.example.com:443'])).toEqual({ allowed: true });
    expect(checkResolvedAddresses(url, ['10.0.0.7'], ['service.example.com:8443']).allowed).toBe(false);
  });

  it('allows a denied address the agent lists itself', () => {
    expect(checkResolvedAddresses(url, ['127.0.0.1'], ['127.0.0.1'])).toEqual({ allowed: true });
    expect(checkResolvedAddresses(url, ['127.0.0.1', '::1'], ['127.0.0.1']).allowed).toBe(false);
  });

  it('still denies a denied literal name, even if its addresses look public', () => {
    expect(
      checkResolvedAddresses(new URL('http://metadata.google.internal/'), ['93.184.216.34'], []).allowed,
    ).toBe(false);
  });
});
