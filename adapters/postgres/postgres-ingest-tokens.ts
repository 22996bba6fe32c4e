import type pg from 'pg';
import type {
  IngestTokenInfo,
  IngestTokens,
  StoredIngestToken,
} from '../../application/ports/ingest-tokens.js';
import type { TokenScope } from '../../domain/tokens/ingest-token.js';
import { databaseQuery } from './pg-error.js';

type TokenRow = {
  token_id: string;
  tenant_id: string;
  name: string | null;
  scope: string;
  created_at: Date;
  revoked_at: Date | null;
};

// The columns listed: never token_hash.
const INFO_COLUMNS = 'token_id, tenant_id, name, scope, created_at, revoked_at';

const INSERT_SQL = `INSERT INTO aos_ingest_tokens (token_id, tenant_id, name, scope, token_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`;
const LIST_SQL = `SELECT ${INFO_COLUMNS} FROM aos_ingest_tokens
 WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY created_at, token_id`;
const REVOKE_SQL = `UPDATE aos_ingest_tokens SET revoked_at = $2
 WHERE token_id = $1 AND revoked_at IS NULL RETURNING ${INFO_COLUMNS}`;
const INFO_SQL = `SELECT ${INFO_COLUMNS} FROM aos_ingest_tokens WHERE token_id = $1`;
const FIND_SQL = `SELECT ${INFO_COLUMNS}, token_hash FROM aos_ingest_tokens WHERE token_id = $1`;

const infoOf = (row: TokenRow): IngestTokenInfo => ({
  token_id: row.token_id,
  tenant_id: row.tenant_id,
  name: row.name,
  scope: row.scope as TokenScope,
  created_at: row.created_at.toISOString(),
  revoked_at: row.revoked_at === null ? null : row.revoked_at.toISOString(),
});

/** Ingest tokens in `aos_ingest_tokens` (migration 0007). */
export const postgresIngestTokens = (pool: pg.Pool): IngestTokens => ({
  create: (token: StoredIngestToken) =>
    databaseQuery(async () => {
      await pool.query(INSERT_SQL, [
        token.token_id,
        token.tenant_id,
        token.name,
        token.scope,
        Buffer.from(token.token_hash),
        token.created_at,
      ]);
    }),
  list: (tenantId) =>
    databaseQuery(async () => (await pool.query<TokenRow>(LIST_SQL, [tenantId])).rows.map(infoOf)),
  revoke: (tokenId, at) =>
    databaseQuery(async () => {
      const revoked = (await pool.query<TokenRow>(REVOKE_SQL, [tokenId, at])).rows[0];
      if (revoked !== undefined) return { outcome: 'revoked' as const, token: infoOf(revoked) };
      const found = (await pool.query<TokenRow>(INFO_SQL, [tokenId])).rows[0];
      return found === undefined ? null : { outcome: 'already_revoked' as const, token: infoOf(found) };
    }),
  findById: (tokenId) =>
    databaseQuery(async () => {
      const row = (await pool.query<TokenRow & { token_hash: Buffer }>(FIND_SQL, [tokenId])).rows[0];
      return row === undefined ? null : { ...infoOf(row), token_hash: new Uint8Array(row.token_hash) };
    }),
});
