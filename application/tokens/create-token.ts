import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { IdGenerator } from '../../domain/ports/id-generator.js';
import {
  printToken,
  secretHash,
  TOKEN_SECRET_BYTES,
  type TokenScope,
} from '../../domain/tokens/ingest-token.js';
import type { IngestTokenInfo, IngestTokens, IngestTokensError } from '../ports/ingest-tokens.js';

export type CreateTokenDeps = {
  readonly tokens: IngestTokens;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** `n` random bytes from a cryptographic source. */
  readonly randomBytes: (n: number) => Uint8Array;
};

/** A token request, already decoded (tenant id, name and scope valid). */
export type CreateTokenRequest = {
  readonly tenant_id: string;
  readonly name: string | null;
  readonly scope: TokenScope;
};

/** The token created: its information and its text, which is shown once and stored nowhere. */
export type CreatedToken = IngestTokenInfo & { readonly token: string };

/** Creates an ingest token for a tenant: only the SHA-256 of its secret is stored. */
export const createToken = (
  deps: CreateTokenDeps,
  request: CreateTokenRequest,
): TE.TaskEither<IngestTokensError, CreatedToken> => {
  const secret = deps.randomBytes(TOKEN_SECRET_BYTES);
  const info: IngestTokenInfo = {
    token_id: deps.ids.uuid(),
    tenant_id: request.tenant_id,
    name: request.name,
    scope: request.scope,
    created_at: deps.clock.now(),
    revoked_at: null,
  };
  return pipe(
    deps.tokens.create({ ...info, token_hash: secretHash(secret) }),
    TE.map(() => ({ ...info, token: printToken(info.token_id, secret) })),
  );
};
