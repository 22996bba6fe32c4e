import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStoreError } from '../../domain/ports/event-store.js';
import type { TokenScope } from '../../domain/tokens/ingest-token.js';

/** What is listed of an ingest token: never its secret, nor the secret's hash. */
export type IngestTokenInfo = {
  readonly token_id: string;
  readonly tenant_id: string;
  readonly name: string | null;
  readonly scope: TokenScope;
  readonly created_at: string;
  readonly revoked_at: string | null;
};

/** A token as stored: its information and the SHA-256 of its secret (the secret is never stored). */
export type StoredIngestToken = IngestTokenInfo & { readonly token_hash: Uint8Array };

/** The database could not be reached, or refused. */
export type IngestTokensError = Extract<EventStoreError, { kind: 'store_unavailable' | 'store_failed' }>;

/** What revoking a token found: it was revoked now, or already was (its first revocation kept). */
export type Revocation = { readonly outcome: 'revoked' | 'already_revoked'; readonly token: IngestTokenInfo };

/** Where ingest tokens are kept. */
export interface IngestTokens {
  create(token: StoredIngestToken): TE.TaskEither<IngestTokensError, void>;
  /** The tokens of one tenant (or of all, with null), oldest first. */
  list(tenantId: string | null): TE.TaskEither<IngestTokensError, readonly IngestTokenInfo[]>;
  /** Revokes a token at `at` unless it already is; null when there is no such token. */
  revoke(tokenId: string, at: string): TE.TaskEither<IngestTokensError, Revocation | null>;
  findById(tokenId: string): TE.TaskEither<IngestTokensError, StoredIngestToken | null>;
}
