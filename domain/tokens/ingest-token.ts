import { createHash, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { patternString } from '../json/bounded-codecs.js';
import { oneLineName } from '../json/one-line-name.js';

/** What a token lets its holder do: send telemetry (`ingest`) or read it (`read`); one each. */
export const TOKEN_SCOPES = ['ingest', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TokenScopeC = new t.Type<TokenScope, TokenScope, unknown>(
  'TokenScope',
  (u): u is TokenScope => typeof u === 'string' && (TOKEN_SCOPES as readonly string[]).includes(u),
  (u, c) =>
    typeof u === 'string' && (TOKEN_SCOPES as readonly string[]).includes(u)
      ? t.success(u as TokenScope)
      : t.failure(u, c, `expected one of: ${TOKEN_SCOPES.join(', ')}`),
  t.identity,
);

/** Token ids are lowercase canonical UUIDs. */
export const TokenIdC = patternString(
  'TokenId',
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'expected a lowercase UUID such as 0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a',
);

/** A token's name, as agents' names: 1-200 characters of one line of text. */
export const TokenNameC = oneLineName('TokenName', 200);

/** The prefix every ingest token starts with, so that a scanner (and a person) knows one. */
const TOKEN_PREFIX = 'aos_it_';
/** Bytes of a token's secret part. */
export const TOKEN_SECRET_BYTES = 32;

// aos_it_<token id, 32 hex digits>_<secret: 32 bytes as unpadded base64url, 43 characters>
const TOKEN_PATTERN = /^aos_it_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A token as presented: its id (the row to look up) and its secret (what is hashed and compared). */
export type PresentedToken = { readonly token_id: string; readonly secret: Uint8Array };

/** The token text of an id and a secret: shown to its owner once, never stored. */
export const printToken = (tokenId: string, secret: Uint8Array): string => {
  if (secret.length !== TOKEN_SECRET_BYTES)
    throw new Error(`a token secret is ${TOKEN_SECRET_BYTES} bytes (got ${secret.length})`);
  return `${TOKEN_PREFIX}${tokenId.replace(/-/g, '')}_${Buffer.from(secret).toString('base64url')}`;
};

const dashed = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The id and secret of a token's text, or null when it is not one (only the canonical form). */
export const parseToken = (text: string): PresentedToken | null => {
  const match = TOKEN_PATTERN.exec(text);
  if (match === null) return null;
  const [, id = '', encoded = ''] = match;
  const secret = Buffer.from(encoded, 'base64url');
  // 43 characters carry 258 bits: the last one must leave its 2 spare bits zero (one spelling per secret).
  if (secret.length !== TOKEN_SECRET_BYTES || secret.toString('base64url') !== encoded) return null;
  return { token_id: dashed(id), secret: new Uint8Array(secret) };
};

/** Why a request's Authorization header names no token. */
export type BearerProblem = 'missing' | 'malformed';

const BEARER = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer <token>` header value. */
export const parseBearer = (header: string | undefined | null): E.Either<BearerProblem, PresentedToken> => {
  if (header === undefined || header === null || header.trim() === '') return E.left('missing');
  const match = BEARER.exec(header);
  const token = match?.[1] === undefined ? null : parseToken(match[1]);
  return token === null ? E.left('malformed') : E.right(token);
};

/** What is stored of a secret: its SHA-256. */
export const secretHash = (secret: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(secret).digest());

/** Whether a presented secret is the one whose hash is stored, compared in constant time. */
export const secretMatches = (secret: Uint8Array, storedHash: Uint8Array): boolean => {
  const presented = secretHash(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
};
