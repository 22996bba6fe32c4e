import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresIngestTokens } from '../../adapters/postgres/postgres-ingest-tokens.js';
import type { IngestTokens, StoredIngestToken } from '../../application/ports/ingest-tokens.js';
import { secretHash } from '../../domain/tokens/ingest-token.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

const token = (
  id: string,
  tenant: string,
  overrides: Partial<StoredIngestToken> = {},
): StoredIngestToken => ({
  token_id: id,
  tenant_id: tenant,
  name: null,
  scope: 'ingest',
  created_at: '2026-12-06T10:00:00.000Z',
  revoked_at: null,
  token_hash: secretHash(new Uint8Array(32).fill(id.charCodeAt(0))),
  ...overrides,
});

const A1 = '0a000000-0000-4000-8000-000000000001';
const A2 = '0a000000-0000-4000-8000-000000000002';
const B1 = '0b000000-0000-4000-8000-000000000001';

const right = async <T>(task: () => Promise<E.Either<unknown, T>>): Promise<T> => {
  const answer = await task();
  if (E.isLeft(answer)) throw new Error(`expected a Right: ${JSON.stringify(answer.left)}`);
  return answer.right;
};

describe('postgresIngestTokens', () => {
  let db: TestDatabase;
  let tokens: IngestTokens;
  beforeAll(async () => {
    db = await freshDatabase();
    tokens = postgresIngestTokens(db.pool);
    await right(tokens.create(token(A1, 'tenant-a', { name: 'collector' })));
    await right(
      tokens.create(token(A2, 'tenant-a', { scope: 'read', created_at: '2026-12-06T11:00:00.000Z' })),
    );
    await right(tokens.create(token(B1, 'tenant-b')));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('finds a token by id with its hash, and null for an id it does not hold', async () => {
    expect(await right(tokens.findById(A1))).toEqual(token(A1, 'tenant-a', { name: 'collector' }));
    expect(await right(tokens.findById('0c000000-0000-4000-8000-000000000001'))).toBeNull();
  });

  it("lists a tenant's tokens (or all), oldest first, without their hashes", async () => {
    const listed = await right(tokens.list('tenant-a'));
    expect(listed.map((t) => [t.token_id, t.scope, t.name])).toEqual([
      [A1, 'ingest', 'collector'],
      [A2, 'read', null],
    ]);
    expect(listed.every((t) => !('token_hash' in t))).toBe(true);
    expect((await right(tokens.list(null))).map((t) => t.token_id).sort()).toEqual([A1, A2, B1]);
    expect(await right(tokens.list('tenant-c'))).toEqual([]);
  });

  it('revokes once: again is already_revoked with the first time kept; an unknown id is null', async () => {
    const first = await right(tokens.revoke(B1, '2026-12-06T12:00:00.000Z'));
    expect(first).toEqual({
      outcome: 'revoked',
      token: { ...token(B1, 'tenant-b'), token_hash: undefined, revoked_at: '2026-12-06T12:00:00.000Z' },
    });
    const again = await right(tokens.revoke(B1, '2026-12-06T13:00:00.000Z'));
    expect(again?.outcome).toBe('already_revoked');
    expect(again?.token.revoked_at).toBe('2026-12-06T12:00:00.000Z');
    expect((await right(tokens.findById(B1)))?.revoked_at).toBe('2026-12-06T12:00:00.000Z');
    expect(
      await right(tokens.revoke('0c000000-0000-4000-8000-000000000001', '2026-12-06T12:00:00.000Z')),
    ).toBeNull();
  });

  it('is a store error, not a throw, when the database refuses (a duplicate id)', async () => {
    const duplicate = await tokens.create(token(A1, 'tenant-z'))();
    expect(E.isLeft(duplicate) && duplicate.left.kind).toBe('store_failed');
  });

  it('stores 32-byte hashes of the two scopes only', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO aos_ingest_tokens (token_id, tenant_id, scope, token_hash, created_at) VALUES ($1, 't', 'admin', $2, now())`,
        ['0d000000-0000-4000-8000-000000000001', Buffer.alloc(32)],
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.pool.query(
        `INSERT INTO aos_ingest_tokens (token_id, tenant_id, scope, token_hash, created_at) VALUES ($1, 't', 'ingest', $2, now())`,
        ['0d000000-0000-4000-8000-000000000002', Buffer.alloc(31)],
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
