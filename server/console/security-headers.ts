import type { buildHttpServer } from '../http-server.js';

/** No inline script, no third-party host: the page's script, style and data come from this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  // 'wasm-unsafe-eval': the verifier's SHA-256 is WebAssembly (console/proof/browser-sha256.ts);
  // it compiles WebAssembly, never evaluates a string as script.
  "script-src 'self' 'wasm-unsafe-eval'",
  // The run page verifies in a Web Worker loaded from /assets (never from blob: or data:).
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer a form's POST carries `Origin: null`, and the
  // sign-in form's origin is checked.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Every response of the server carries the security headers (the console's pages and API, the
 * probes, the OTLP endpoint alike: none of them is meant to be framed or sniffed). */
export const addSecurityHeaders = (app: ReturnType<typeof buildHttpServer>): void => {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(HEADERS)) void reply.header(name, value);
    return payload;
  });
};
