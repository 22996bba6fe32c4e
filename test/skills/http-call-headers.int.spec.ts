import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import type { SkillContext } from '../../domain/ports/skill.js';
import { headersNotSentAsWritten } from '../../adapters/skills/forbidden-request-headers.js';
import { guardedFetch } from '../../adapters/skills/guarded-fetch.js';
import { httpCallSkill } from '../../adapters/skills/http-call-skill.js';

/** The Fetch standard's forbidden request-header names, and examples of its forbidden prefixes
 * and method-override headers (https://fetch.spec.whatwg.org/#forbidden-request-header). */
const FETCH_FORBIDDEN = [
  'Accept-Charset',
  'Accept-Encoding',
  'Access-Control-Request-Headers',
  'Access-Control-Request-Method',
  'Connection',
  'Content-Length',
  'Cookie',
  'Cookie2',
  'Date',
  'DNT',
  'Expect',
  'Host',
  'Keep-Alive',
  'Origin',
  'Referer',
  'Set-Cookie',
  'TE',
  'Trailer',
  'Transfer-Encoding',
  'Upgrade',
  'Via',
  'Proxy-Authorization',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Site',
  'Proxy-Connection',
  'X-HTTP-Method-Override',
];
const refused = (name: string) => headersNotSentAsWritten.includes(name.toLowerCase());
const SENT_AS_WRITTEN = FETCH_FORBIDDEN.filter((name) => !refused(name));

/** Request headers the local server received, by request: each name's values as sent. */
const received: NodeJS.Dict<string[]>[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headersDistinct);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const decode = (headers: Record<string, string>) =>
  httpCallSkill.params.decode({ method: 'POST', url: `${base}/h`, headers, body: { a: 1 } });

const context: SkillContext = {
  signal: new AbortController().signal,
  previousOutcomes: new Map(),
  allowedHosts: ['127.0.0.1'],
};

/** A value no client would make up, different for each name. */
const valueFor = (name: string) => `recorded-${name.length}`;

describe('http_call headers: what a plan records is what is sent', () => {
  it.each([
    'Host',
    'host',
    'HOST',
    'Connection',
    'Keep-Alive',
    'Upgrade',
    'Content-Length',
    'Transfer-Encoding',
    'Expect',
    'Sec-Fetch-Mode',
  ])('refuses %s at plan time, naming the header', (name) => {
    const decoded = decode({ 'X-Trace': 't', [name]: 'internal.example' });
    expect(decoded._tag).toBe('Left');
    if (decoded._tag === 'Left') {
      const message = describeDecodeErrors(decoded.left).join('; ');
      expect(message).toContain(`headers.${name}`);
      expect(message).toContain('not be sent as recorded');
    }
    expect(httpCallSkill.params.is({ method: 'GET', url: `${base}/h`, headers: { [name]: 'x' } })).toBe(
      false,
    );
  });

  it('sends every other name of the Fetch forbidden list exactly as recorded', async () => {
    const headers = Object.fromEntries(SENT_AS_WRITTEN.map((name) => [name, valueFor(name)]));
    const decoded = decode(headers);
    if (decoded._tag === 'Left') throw new Error(describeDecodeErrors(decoded.left).join('; '));
    received.length = 0;
    expect((await httpCallSkill.execute(decoded.right, context)).outcome.code).toBe('HTTP_200');
    const [got] = received;
    for (const name of SENT_AS_WRITTEN) expect(got?.[name.toLowerCase()], name).toEqual([valueFor(name)]);
  });

  it.each(headersNotSentAsWritten)(
    '%s, were it given to the client, would not be sent as recorded',
    async (name) => {
      received.length = 0;
      const sent = guardedFetch(
        new URL(`${base}/h`),
        { method: 'POST', body: '{}', headers: { [name]: valueFor(name) } },
        { lookup: async () => ['127.0.0.1'], allowedHosts: ['127.0.0.1'] },
      ).then(
        async ({ response, release }) => {
          await response.text();
          release();
          return received[0]?.[name] ?? null;
        },
        () => 'refused by the client',
      );
      expect(await sent).not.toEqual([valueFor(name)]);
    },
  );
});
