import * as t from 'io-ts';
import { decodeOption } from './input-validation.js';

/** `--protocol`: the OTLP/HTTP encodings the exporters speak (gRPC is not one of them here). */
export const OtlpProtocolC = t.keyof(
  { 'http/protobuf': null, 'http/json': null },
  'http/protobuf | http/json',
);

/** `--endpoint`: an absolute http(s) URL, the full path of the traces endpoint (`.../v1/traces`). */
const EndpointC = new t.Type<URL, string, unknown>(
  'OtlpEndpoint',
  (u): u is URL => u instanceof URL,
  (u, c) => {
    if (typeof u !== 'string' || !URL.canParse(u)) return t.failure(u, c, 'expected an absolute URL');
    const url = new URL(u);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return t.failure(u, c, `expected an http or https URL (got ${url.protocol})`);
    // The exporter sends to the URL's host, port and path only: what it would drop is refused.
    if (url.username !== '' || url.password !== '')
      return t.failure(
        u,
        c,
        'credentials in the URL are not sent: give them with --header (e.g. Authorization=...)',
      );
    if (url.search !== '' || url.hash !== '')
      return t.failure(
        u,
        c,
        'a query or fragment is not sent: the URL is the traces path (e.g. .../v1/traces)',
      );
    return t.success(url);
  },
  (url) => url.href,
);

/** RFC 9110 token characters of a field name; a value of visible characters, spaces and tabs. */
const HEADER = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=([\t\x20-\x7e\x80-\uffff]*)$/;

/** `--header K=V`: one request header, name and value as HTTP allows them. */
const HeaderC = new t.Type<readonly [string, string], string, unknown>(
  'OtlpHeader',
  (u): u is readonly [string, string] => Array.isArray(u) && u.length === 2,
  (u, c) => {
    const match = typeof u === 'string' ? HEADER.exec(u) : null;
    return match === null
      ? t.failure(u, c, 'expected NAME=VALUE (a header name, "=", a value without control characters)')
      : t.success([match[1] ?? '', match[2] ?? ''] as const);
  },
  ([name, value]) => `${name}=${value}`,
);

export type OtelExportOptions = {
  readonly endpoint: URL;
  readonly protocol: t.TypeOf<typeof OtlpProtocolC>;
  readonly headers: Readonly<Record<string, string>>;
};

/** Decodes `otel export`'s options; a bad one is a usage error naming it (nothing is sent). */
export const decodeOtelExportOptions = (args: {
  readonly endpoint: unknown;
  readonly protocol: unknown;
  readonly header: readonly unknown[] | undefined;
}): OtelExportOptions => ({
  endpoint: decodeOption(EndpointC, 'endpoint', args.endpoint),
  protocol: decodeOption(OtlpProtocolC, 'protocol', args.protocol ?? 'http/protobuf'),
  headers: Object.fromEntries((args.header ?? []).map((header) => decodeOption(HeaderC, 'header', header))),
});
