import dns from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { guardedConnector } from '../../adapters/skills/guarded-connector.js';
import { HostDeniedError } from '../../adapters/skills/host-denied-error.js';
import { createHttpCallSkill, type AddressLookup } from '../../adapters/skills/http-call-skill.js';

/** Only loopback is ever connected to here. The public address below is a DNS answer that the
 * early check sees; no connection is made to it. */
const PUBLIC_ADDRESS = '93.184.216.34';
const REBINDING_NAME = 'rebind.test';

/** Paths the local listener was asked for: a request that got through (its body would be recorded). */
let hits: string[] = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://${REBINDING_NAME}:${port}/secret` });
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ secret: 'local only' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A resolver under the attacker's control (TTL 0): a public address first, 127.0.0.1 ever after. */
const rebindingResolver = () => {
  let calls = 0;
  const lookup: AddressLookup = async () => {
    calls += 1;
    return calls === 1 ? [PUBLIC_ADDRESS] : ['127.0.0.1'];
  };
  return { lookup, calls: () => calls };
};

const systemDnsLookup = dns.lookup;

/** The same resolver as the process's DNS (dns.lookup, which net uses when nothing else is given),
 * for the name under test only: whichever way the skill resolves at connect time, it meets it. */
const installAsSystemDns = (lookup: AddressLookup) => {
  const patched = (hostname: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as dns.LookupOptions;
    if (hostname !== REBINDING_NAME)
      return Reflect.apply(systemDnsLookup, dns, [hostname, options, callback]);
    void lookup(hostname).then((addresses) => {
      const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      return opts.all === true ? cb(null, entries) : cb(null, entries[0]?.address, entries[0]?.family);
    }, cb);
  };
  Object.assign(dns, { lookup: patched });
};

afterEach(() => {
  Object.assign(dns, { lookup: systemDnsLookup });
  hits = [];
});

/** The agent allows no host by default here: 127.0.0.1 allowed by address would let any name that
 * resolves to it through (the policy's rule for an address the agent lists itself). */
const context = (allowedHosts: readonly string[] = []): SkillContext => ({
  signal: new AbortController().signal,
  previousOutcomes: new Map(),
  allowedHosts,
});

const execute = (lookup: AddressLookup, url: string, ctx: SkillContext = context()) => {
  const skill = createHttpCallSkill({ lookup });
  const decoded = skill.params.decode({ method: 'GET', url, timeout_ms: 5000 });
  if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
  return skill.execute(decoded.right, ctx);
};

describe('http_call checks the address it connects to (DNS rebinding)', () => {
  it('refuses a name that answers a public address, then 127.0.0.1: nothing reaches the listener', async () => {
    const resolver = rebindingResolver();
    installAsSystemDns(resolver.lookup);
    const result = await execute(resolver.lookup, `http://${REBINDING_NAME}:${port}/secret`);
    expect(hits).toEqual([]);
    expect(result).toMatchObject({
      status: 'failed',
      outcome: {
        category: 'policy',
        code: 'HOST_DENIED',
        data: { message: expect.stringContaining('127.0.0.1') },
      },
      retryable: false,
    });
    expect(resolver.calls()).toBe(2); // the early check, then the connection itself
  });

  it('checks again on every attempt (each has connections of its own)', async () => {
    const resolver = rebindingResolver();
    installAsSystemDns(resolver.lookup);
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await execute(resolver.lookup, `http://${REBINDING_NAME}:${port}/secret`);
      expect(result.outcome.code).toBe('HOST_DENIED');
    }
    expect(hits).toEqual([]);
  });

  it('does not follow a redirect to such a name: the hop is reported, never made', async () => {
    const resolver = rebindingResolver();
    installAsSystemDns(resolver.lookup);
    const result = await execute(
      resolver.lookup,
      `http://127.0.0.1:${port}/redirect`,
      context(['127.0.0.1']),
    );
    expect(result.outcome).toMatchObject({ category: 'redirect', code: 'HTTP_302' });
    expect(hits).toEqual(['/redirect']);
  });

  it('still connects to a name the agent allows, at the address its resolver gave', async () => {
    const result = await execute(
      async () => ['127.0.0.1'],
      `http://service.test:${port}/allowed`,
      context(['service.test']),
    );
    expect(result).toMatchObject({
      status: 'succeeded',
      outcome: { data: { body: { secret: 'local only' } } },
    });
    expect(hits).toEqual(['/allowed']);
  });
});

describe('guardedConnector', () => {
  const connect = (allowedHosts: readonly string[]) =>
    new Promise<{ error: Error | null; socket: Socket | null }>((resolve) => {
      const lookup: AddressLookup = () => Promise.reject(new Error('an IP literal needs no lookup'));
      guardedConnector({ lookup, allowedHosts })(
        { hostname: '127.0.0.1', host: `127.0.0.1:${port}`, protocol: 'http:', port: String(port) },
        (error, socket) => resolve({ error, socket }),
      );
    });

  it('checks the address a socket reached, even for an IP literal that was never looked up', async () => {
    const denied = await connect([]);
    expect(denied.error).toBeInstanceOf(HostDeniedError);
    expect(denied.error?.message).toContain('loopback');
    expect(denied.socket).toBeNull();
    const allowed = await connect(['127.0.0.1']);
    expect(allowed.error).toBeNull();
    expect(allowed.socket?.remoteAddress).toBe('127.0.0.1');
    allowed.socket?.destroy();
    expect(hits).toEqual([]);
  });
});
