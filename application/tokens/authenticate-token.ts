import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { parseBearer, secretMatches, type TokenScope } from '../../domain/tokens/ingest-token.js';
import type { IngestTokens, IngestTokensError, StoredIngestToken } from '../ports/ingest-tokens.js';

/** Why a request is not authenticated: no Authorization header, one that holds no token, a token
 * that is not one of ours (no such id, or another secret), a revoked one, one of another scope;
 * or the database failed (`store`: not the caller's fault, a 503 rather than a 401). */
export type AuthenticationError =
  | { readonly kind: 'missing' | 'malformed' | 'unknown' | 'revoked' }
  | { readonly kind: 'wrong_scope'; readonly scope: TokenScope; readonly required: TokenScope }
  | { readonly kind: 'store'; readonly error: IngestTokensError };

/** Who a request is: the tenant comes from the token alone, never from the request. */
export type Principal = { readonly tenant_id: string; readonly token_id: string; readonly scope: TokenScope };

const principalOf = (
  stored: StoredIngestToken | null,
  secret: Uint8Array,
  required: TokenScope,
): E.Either<AuthenticationError, Principal> => {
  if (stored === null || !secretMatches(secret, stored.token_hash)) return E.left({ kind: 'unknown' });
  if (stored.revoked_at !== null) return E.left({ kind: 'revoked' });
  if (stored.scope !== required) return E.left({ kind: 'wrong_scope', scope: stored.scope, required });
  return E.right({ tenant_id: stored.tenant_id, token_id: stored.token_id, scope: stored.scope });
};

/** Authenticates the value of a request's Authorization header (`Bearer aos_it_...`) for a scope:
 * the token's id finds its row, the SHA-256 of its secret is compared in constant time with the
 * stored one; only then are revocation and scope looked at. */
export const authenticate =
  (tokens: IngestTokens) =>
  (
    authorization: string | undefined,
    requiredScope: TokenScope,
  ): TE.TaskEither<AuthenticationError, Principal> =>
    pipe(
      TE.fromEither(parseBearer(authorization)),
      TE.mapLeft((kind): AuthenticationError => ({ kind })),
      TE.chain((presented) =>
        pipe(
          tokens.findById(presented.token_id),
          TE.mapLeft((error): AuthenticationError => ({ kind: 'store', error })),
          TE.chainEitherK((stored) => principalOf(stored, presented.secret, requiredScope)),
        ),
      ),
    );
