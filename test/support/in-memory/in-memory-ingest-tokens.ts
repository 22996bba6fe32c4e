import * as TE from 'fp-ts/lib/TaskEither.js';
import type {
  IngestTokenInfo,
  IngestTokens,
  StoredIngestToken,
} from '../../../application/ports/ingest-tokens.js';

const infoOf = ({ token_hash: _hash, ...info }: StoredIngestToken): IngestTokenInfo => info;

/** Ingest tokens in a map, for the application's unit tests; `rows` is what it holds. */
export const inMemoryIngestTokens = (): IngestTokens & { readonly rows: Map<string, StoredIngestToken> } => {
  const rows = new Map<string, StoredIngestToken>();
  return {
    rows,
    create: (token) => TE.rightIO(() => void rows.set(token.token_id, token)),
    list: (tenantId) =>
      TE.rightIO(() =>
        [...rows.values()].filter((row) => tenantId === null || row.tenant_id === tenantId).map(infoOf),
      ),
    revoke: (tokenId, at) =>
      TE.rightIO(() => {
        const row = rows.get(tokenId);
        if (row === undefined) return null;
        if (row.revoked_at !== null) return { outcome: 'already_revoked' as const, token: infoOf(row) };
        const revoked = { ...row, revoked_at: at };
        rows.set(tokenId, revoked);
        return { outcome: 'revoked' as const, token: infoOf(revoked) };
      }),
    findById: (tokenId) => TE.rightIO(() => rows.get(tokenId) ?? null),
  };
};
