import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  parseBearer,
  parseToken,
  printToken,
  secretHash,
  secretMatches,
  TokenIdC,
  TokenNameC,
  TokenScopeC,
} from '../../domain/tokens/ingest-token.js';

const ID = '0f8e2b1c-5d4a-4c3b-9a21-7e6f5d4c3b2a';
const SECRET = new Uint8Array(32).map((_, i) => i * 7 + 1);
const TOKEN = printToken(ID, SECRET);

describe('the ingest token format', () => {
  it('is aos_it_, the id without dashes, and the 32-byte secret in base64url; parsing gives both back', () => {
    expect(TOKEN).toBe(
      `aos_it_0f8e2b1c5d4a4c3b9a217e6f5d4c3b2a_${Buffer.from(SECRET).toString('base64url')}`,
    );
    expect(TOKEN).toMatch(/^aos_it_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(parseToken(TOKEN)).toEqual({ token_id: ID, secret: SECRET });
  });

  it('refuses a secret that is not 32 bytes when printing', () => {
    expect(() => printToken(ID, new Uint8Array(31))).toThrow(/32 bytes/);
  });

  it.each([
    ['empty', ''],
    ['another prefix', TOKEN.replace('aos_it_', 'aos_xx_')],
    ['no prefix', TOKEN.slice('aos_it_'.length)],
    ['an id of uppercase hex', TOKEN.replace('0f8e2b1c', '0F8E2B1C')],
    ['a dashed id', `aos_it_${ID}_${TOKEN.split('_').slice(3).join('_')}`],
    ['a short id', TOKEN.replace('0f8e2b1c', '0f8e2b1')],
    ['a secret one character short', TOKEN.slice(0, -1)],
    ['a secret one character long', `${TOKEN}A`],
    ['a padded secret', `${TOKEN}=`],
    ['standard base64 characters', TOKEN.slice(0, -2) + '+/'],
    ['surrounding spaces', ` ${TOKEN} `],
  ])('parses nothing of %s', (_, text) => {
    expect(parseToken(text)).toBeNull();
  });

  it('takes one spelling of a secret: the last character must leave its two spare bits zero', () => {
    const last = TOKEN.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    expect(Buffer.from(TOKEN.slice(-43, -1) + sibling, 'base64url').equals(Buffer.from(SECRET))).toBe(true);
    expect(parseToken(TOKEN.slice(0, -1) + sibling)).toBeNull();
  });
});

describe('a bearer header', () => {
  it('is missing when absent or blank', () => {
    expect(parseBearer(undefined)).toEqual(E.left('missing'));
    expect(parseBearer(null)).toEqual(E.left('missing'));
    expect(parseBearer('  ')).toEqual(E.left('missing'));
  });

  it.each([
    ['another scheme', `Basic ${TOKEN}`],
    ['no scheme', TOKEN],
    ['no token', 'Bearer '],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['not a token', 'Bearer abc'],
  ])('is malformed with %s', (_, header) => {
    expect(parseBearer(header)).toEqual(E.left('malformed'));
  });

  it('gives the token of "Bearer <token>" (the scheme in any case)', () => {
    expect(parseBearer(`Bearer ${TOKEN}`)).toEqual(E.right({ token_id: ID, secret: SECRET }));
    expect(parseBearer(`bearer ${TOKEN}`)).toEqual(E.right({ token_id: ID, secret: SECRET }));
  });
});

describe('the stored hash', () => {
  it('is the SHA-256 of the secret bytes, and matches that secret only', () => {
    const hash = secretHash(SECRET);
    expect(Buffer.from(hash).toString('hex')).toBe(createHash('sha256').update(SECRET).digest('hex'));
    expect(secretMatches(SECRET, hash)).toBe(true);
    const other = SECRET.map((byte, i) => (i === 31 ? byte ^ 1 : byte));
    expect(secretMatches(other, hash)).toBe(false);
    expect(secretMatches(SECRET, hash.slice(0, 31))).toBe(false);
  });
});

describe('token inputs', () => {
  it('scopes are ingest and read only', () => {
    expect(E.isRight(TokenScopeC.decode('ingest'))).toBe(true);
    expect(E.isRight(TokenScopeC.decode('read'))).toBe(true);
    expect(E.isRight(TokenScopeC.decode('admin'))).toBe(false);
    expect(E.isRight(TokenScopeC.decode('INGEST'))).toBe(false);
  });

  it('names are one line of 1-200 characters; ids lowercase UUIDs', () => {
    expect(E.isRight(TokenNameC.decode('collector eu-1'))).toBe(true);
    expect(E.isRight(TokenNameC.decode(' '))).toBe(false);
    expect(E.isRight(TokenNameC.decode('a\nb'))).toBe(false);
    expect(E.isRight(TokenNameC.decode('x'.repeat(201)))).toBe(false);
    expect(E.isRight(TokenIdC.decode(ID))).toBe(true);
    expect(E.isRight(TokenIdC.decode(ID.toUpperCase()))).toBe(false);
  });
});
