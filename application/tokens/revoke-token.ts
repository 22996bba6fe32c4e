import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { IngestTokens, IngestTokensError, Revocation } from '../ports/ingest-tokens.js';

export type RevokeTokenError = IngestTokensError | { readonly kind: 'not_found'; readonly token_id: string };

/** Revokes a token from now on. Revoking it again is no error: it says it already was, and keeps
 * the first revocation's time. */
export const revokeToken = (
  deps: { readonly tokens: IngestTokens; readonly clock: Clock },
  tokenId: string,
): TE.TaskEither<RevokeTokenError, Revocation> =>
  pipe(
    deps.tokens.revoke(tokenId, deps.clock.now()),
    TE.chainW((revocation) =>
      revocation === null ? TE.left({ kind: 'not_found' as const, token_id: tokenId }) : TE.right(revocation),
    ),
  );
