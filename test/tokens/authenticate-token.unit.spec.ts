import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../application/tokens/authenticate-token.js';
import { createToken } from '../../application/tokens/create-token.js';
import { listTokens } from '../../application/tokens/list-tokens.js';
import { revokeToken } from '../../application/tokens/revoke-token.js';
import type { Clock } from '../../domain/ports/clock.js';
import { parseToken, printToken, type TokenScope } from '../../domain/tokens/ingest-token.js';
import { inMemoryIngestTokens } from '../support/in-memory/in-memory-ingest-tokens.js';

const clock: Clock = {
  now: () => '2026-12-06T10:00:00.000Z',
  monotonicMs: () => 0,
  sleep: async () => undefined,
};

const setup = () => {
  const tokens = inMemoryIngestTokens();
  let n = 0;
  const deps = {
    tokens,
    clock,
    ids: { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    randomBytes: (size: number) => new Uint8Array(size).map(() => Math.floor(Math.random() * 256)),
  };
  const create = async (tenant: string, scope: TokenScope = 'ingest') => {
    const created = await createToken(deps, { tenant_id: tenant, name: null, scope })();
    if (E.isLeft(created)) throw new Error('create failed');
    return created.right;
  };
  return { tokens, create, auth: authenticate(tokens) };
};

describe('authenticate', () => {
  it("gives the token's tenant, id and scope for its bearer header", async () => {
    const { create, auth } = setup();
    const a = await create('tenant-a');
    expect(await auth(`Bearer ${a.token}`, 'ingest')()).toEqual(
      E.right({ tenant_id: 'tenant-a', token_id: a.token_id, scope: 'ingest' }),
    );
  });

  it('stores the hash only: no row holds the secret or the token', async () => {
    const { create, tokens } = setup();
    const a = await create('tenant-a');
    const secret = Buffer.from(parseToken(a.token)?.secret ?? []);
    const row = tokens.rows.get(a.token_id);
    expect(Object.keys(row ?? {}).sort()).toEqual(
      ['created_at', 'name', 'revoked_at', 'scope', 'tenant_id', 'token_hash', 'token_id'].sort(),
    );
    expect(Buffer.from(row?.token_hash ?? []).equals(secret)).toBe(false);
    expect(JSON.stringify(await listTokens(tokens, null)())).not.toContain(a.token.slice(-43));
  });

  it.each([
    ['missing', undefined],
    ['missing', ''],
    ['malformed', 'Bearer nope'],
    ['malformed', 'Token aos_it_x'],
  ])('is %s for the header %j', async (kind, header) => {
    const { create, auth } = setup();
    await create('tenant-a');
    expect(await auth(header, 'ingest')()).toEqual(E.left({ kind }));
  });

  it('is unknown for a well-formed token of no row, and for a known id with another secret', async () => {
    const { create, auth } = setup();
    const a = await create('tenant-a');
    const stranger = printToken('11111111-2222-4333-8444-555555555555', new Uint8Array(32));
    expect(await auth(`Bearer ${stranger}`, 'ingest')()).toEqual(E.left({ kind: 'unknown' }));
    const forged = printToken(a.token_id, new Uint8Array(32).fill(7));
    expect(await auth(`Bearer ${forged}`, 'ingest')()).toEqual(E.left({ kind: 'unknown' }));
  });

  it('is revoked once the token is revoked (and revoking again says it already was)', async () => {
    const { create, auth, tokens } = setup();
    const a = await create('tenant-a');
    const first = await revokeToken({ tokens, clock }, a.token_id)();
    expect(E.isRight(first) && first.right.outcome).toBe('revoked');
    expect(await auth(`Bearer ${a.token}`, 'ingest')()).toEqual(E.left({ kind: 'revoked' }));
    const again = await revokeToken({ tokens, clock }, a.token_id)();
    expect(E.isRight(again) && again.right.outcome).toBe('already_revoked');
    expect(await revokeToken({ tokens, clock }, '99999999-2222-4333-8444-555555555555')()).toEqual(
      E.left({ kind: 'not_found', token_id: '99999999-2222-4333-8444-555555555555' }),
    );
  });

  it('is wrong_scope for a token of the other scope, either way', async () => {
    const { create, auth } = setup();
    const ingest = await create('tenant-a', 'ingest');
    const read = await create('tenant-a', 'read');
    expect(await auth(`Bearer ${ingest.token}`, 'read')()).toEqual(
      E.left({ kind: 'wrong_scope', scope: 'ingest', required: 'read' }),
    );
    expect(await auth(`Bearer ${read.token}`, 'ingest')()).toEqual(
      E.left({ kind: 'wrong_scope', scope: 'read', required: 'ingest' }),
    );
  });

  it("authenticates a token as its own tenant only: A's secret with B's id is unknown", async () => {
    const { create, auth } = setup();
    const a = await create('tenant-a');
    const b = await create('tenant-b');
    const principal = await auth(`Bearer ${a.token}`, 'ingest')();
    expect(E.isRight(principal) && principal.right.tenant_id).toBe('tenant-a');
    const aSecret = parseToken(a.token)?.secret ?? new Uint8Array(32);
    expect(await auth(`Bearer ${printToken(b.token_id, aSecret)}`, 'ingest')()).toEqual(
      E.left({ kind: 'unknown' }),
    );
  });

  it('is a store error, not unknown, when the tokens cannot be read', async () => {
    const { tokens, create } = setup();
    const a = await create('tenant-a');
    const failing = {
      ...tokens,
      findById: () => async () => E.left({ kind: 'store_unavailable' as const, message: 'down' }),
    };
    expect(await authenticate(failing)(`Bearer ${a.token}`, 'ingest')()).toEqual(
      E.left({ kind: 'store', error: { kind: 'store_unavailable', message: 'down' } }),
    );
  });
});
