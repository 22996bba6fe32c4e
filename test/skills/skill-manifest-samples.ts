import type { SkillSamples } from '../support/schema-agreement.js';

// Params samples of each built-in skill, for skill-manifest-schemas.unit.spec.ts. The bounds are
// written out as numbers, not taken from the codecs' constants: a bound changed on one side only
// (schema or codec) turns a sample's verdicts apart.

/** 😀 is one code point and two UTF-16 code units. JSON Schema's maxLength counts code points, the
 * codecs (String.length) code units: such a text within the schema's length can be beyond the
 * codec's. No JSON Schema keyword counts UTF-16 code units. */
const astral = (codePoints: number): string => '😀'.repeat(codePoints);

const user = { role: 'user', content: 'hi' };
const get = { method: 'GET', url: 'http://127.0.0.1:8080/status' };
const headers = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-h${i}`, 'v']));

export const SAMPLES: Readonly<Record<string, SkillSamples>> = {
  echo: {
    valid: [
      ['a message', { message: 'résumé ✓ 日本' }],
      ['an empty message', { message: '' }],
      ['10000 characters', { message: 'x'.repeat(10_000) }],
      ['a step reference', { message: '{{steps.0.outcome.data.message}}' }],
    ],
    invalid: [
      ['no message', {}],
      ['a number', { message: 1 }],
      ['10001 characters', { message: 'x'.repeat(10_001) }],
      ['an unknown property', { message: 'hi', extra: true }],
      ['a string for params', 'hi'],
      ['null for params', null],
    ],
    codecOnly: [['5001 emoji: 5001 code points, 10002 UTF-16 units', { message: astral(5_001) }]],
  },

  wait: {
    valid: [
      ['0 ms', { ms: 0 }],
      ['250 ms', { ms: 250 }],
      ['600000 ms', { ms: 600_000 }],
    ],
    invalid: [
      ['no ms', {}],
      ['a string', { ms: '250' }],
      ['-1 ms', { ms: -1 }],
      ['600001 ms', { ms: 600_001 }],
      ['a fraction', { ms: 2.5 }],
      ['an unknown property', { ms: 250, unit: 's' }],
    ],
  },

  json_transform: {
    valid: [
      ['a filter', { expression: 'items[?price > `0.1`].name', input_from_step: 0 }],
      ['the current node', { expression: '@', input_from_step: 3 }],
      ['2000 characters', { expression: 'a'.repeat(2_000), input_from_step: 1 }],
      ['the largest safe step index', { expression: '@', input_from_step: 2 ** 53 - 1 }],
    ],
    invalid: [
      ['no expression', { input_from_step: 0 }],
      ['no input_from_step', { expression: '@' }],
      ['an empty expression', { expression: '', input_from_step: 0 }],
      ['2001 characters', { expression: 'a'.repeat(2_001), input_from_step: 0 }],
      ['a number expression', { expression: 1, input_from_step: 0 }],
      ['a negative step', { expression: '@', input_from_step: -1 }],
      ['a fractional step', { expression: '@', input_from_step: 1.5 }],
      ['a string step', { expression: '@', input_from_step: '0' }],
      ['an unsafe integer step', { expression: '@', input_from_step: 2 ** 53 }],
      ['an unknown property', { expression: '@', input_from_step: 0, output: 'x' }],
    ],
    // JMESPath syntax is not JSON Schema's to check: the codec compiles the expression.
    codecOnly: [['an expression that does not compile', { expression: 'items[', input_from_step: 0 }]],
  },

  http_call: {
    valid: [
      ['a GET with a timeout', { ...get, timeout_ms: 5000 }],
      [
        'a POST with every optional field at its bound',
        {
          method: 'POST',
          url: 'https://api.example.com/v1',
          timeout_ms: 60_000,
          headers: { 'x-api-key': '{{secret:API_TOKEN}}', Accept: 'application/json' },
          body: { a: [1, null, 'x'] },
          max_response_bytes: 10 * 1024 * 1024,
        },
      ],
      ['the smallest timeout and cap', { ...get, timeout_ms: 1, max_response_bytes: 1 }],
      ['a scheme in upper case', { method: 'HEAD', url: 'HTTPS://EXAMPLE.COM/' }],
      ['a DELETE with a null body', { method: 'DELETE', url: 'https://a.example/x', body: null }],
      ['a url of 2048 characters', { ...get, url: `http://a.example/${'p'.repeat(2031)}` }],
      ['50 headers', { ...get, headers: headers(50) }],
      ['a header named like a forbidden one', { ...get, headers: { Hosts: 'a', 'x-host': 'b' } }],
    ],
    invalid: [
      ['no method', { url: get.url }],
      ['no url', { method: 'GET' }],
      ['a method in lower case', { ...get, method: 'get' }],
      ['an unknown method', { ...get, method: 'CONNECT' }],
      ['an ftp url', { ...get, url: 'ftp://example.com/' }],
      ['a number url', { ...get, url: 1 }],
      ['a url of 2049 characters', { ...get, url: `http://a.example/${'p'.repeat(2032)}` }],
      ['a timeout of 0', { ...get, timeout_ms: 0 }],
      ['a timeout of 60001', { ...get, timeout_ms: 60_001 }],
      ['a fractional timeout', { ...get, timeout_ms: 1.5 }],
      ['a string timeout', { ...get, timeout_ms: '5000' }],
      ['a cap of 0', { ...get, max_response_bytes: 0 }],
      ['a cap over 10 MiB', { ...get, max_response_bytes: 10 * 1024 * 1024 + 1 }],
      ['headers as an array', { ...get, headers: [] }],
      ['51 headers', { ...get, headers: headers(51) }],
      ['a header name with a space', { ...get, headers: { 'x bad': 'v' } }],
      ['a Host header', { ...get, headers: { Host: 'a.example' } }],
      ['a Content-Length header in capitals', { ...get, headers: { 'CONTENT-LENGTH': '1' } }],
      ['a number header value', { ...get, headers: { 'x-n': 1 } }],
      ['a header value with CR LF', { ...get, headers: { 'x-a': 'v\r\nx-b: w' } }],
      ['a GET with a body', { ...get, body: { a: 1 } }],
      ['a HEAD with a null body', { method: 'HEAD', url: get.url, body: null }],
      ['an unknown property', { ...get, query: 'a=1' }],
    ],
    // The codec parses the url as the WHATWG URL parser does, and keeps the body to what the
    // ledger can hash and Postgres store (JsonValueC): neither is a JSON Schema keyword.
    codecOnly: [
      ['a url without a host', { ...get, url: 'http://' }],
      ['a url with credentials', { ...get, url: 'http://user:secret@example.com/' }],
      ['a url with a space in its host', { ...get, url: 'http://exa mple.com/' }],
      ['a body with U+0000', { method: 'POST', url: get.url, body: { s: 'a\u0000b' } }],
      ['a body with a lone surrogate', { method: 'POST', url: get.url, body: '\ud800' }],
      ['a body with an unsafe integer', { method: 'POST', url: get.url, body: { n: 2 ** 53 } }],
    ],
    // The schema asks for "http(s)://"; the WHATWG parser also takes a url after spaces or without
    // the slashes. A planner writes plain URLs: the stricter schema refuses nothing it needs.
    schemaOnly: [
      ['a url after a space', { ...get, url: ' http://example.com/' }],
      ['a url without its slashes', { ...get, url: 'http:example.com' }],
    ],
  },

  llm_invoke: {
    valid: [
      ['one message', { messages: [user] }],
      [
        'every optional field at its upper bound',
        {
          messages: [{ role: 'system', content: '' }, user, { role: 'assistant', content: 'x' }],
          max_tokens: 32_768,
          temperature: 2,
          api_key: '{{secret:LLM_API_KEY}}',
        },
      ],
      [
        '100 messages, lower bounds',
        { messages: Array.from({ length: 100 }, () => user), max_tokens: 1, temperature: 0 },
      ],
      ['content of 100000 characters', { messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }],
      ['a fractional temperature', { messages: [user], temperature: 0.7 }],
      ['a key of 4096 characters', { messages: [user], api_key: 'k'.repeat(4096) }],
      // Neither refuses a literal key: literal credentials are refused when the agent is
      // registered (domain/secrets/literal-credentials.ts), not by the codec.
      ['a literal key', { messages: [user], api_key: 'sk-literal' }],
    ],
    invalid: [
      ['no messages', {}],
      ['no message', { messages: [] }],
      ['101 messages', { messages: Array.from({ length: 101 }, () => user) }],
      ['messages as an object', { messages: user }],
      ['an unknown role', { messages: [{ role: 'tool', content: 'x' }] }],
      ['a message without content', { messages: [{ role: 'user' }] }],
      ['a message with an unknown property', { messages: [{ ...user, name: 'n' }] }],
      ['content of 100001 characters', { messages: [{ role: 'user', content: 'x'.repeat(100_001) }] }],
      ['max_tokens 0', { messages: [user], max_tokens: 0 }],
      ['max_tokens 32769', { messages: [user], max_tokens: 32_769 }],
      ['fractional max_tokens', { messages: [user], max_tokens: 1.5 }],
      ['a negative temperature', { messages: [user], temperature: -0.1 }],
      ['temperature 2.01', { messages: [user], temperature: 2.01 }],
      ['a string temperature', { messages: [user], temperature: '0.2' }],
      ['an empty key', { messages: [user], api_key: '' }],
      ['a key of 4097 characters', { messages: [user], api_key: 'k'.repeat(4097) }],
      ['a key with a non-ASCII character', { messages: [user], api_key: 'clé' }],
      ['a key with a newline', { messages: [user], api_key: 'k\nx' }],
      ['an unknown property', { messages: [user], model: 'gpt' }],
    ],
    codecOnly: [
      [
        'content of 50001 emoji: 50001 code points, 100002 UTF-16 units',
        { messages: [{ role: 'user', content: astral(50_001) }] },
      ],
    ],
  },
};
