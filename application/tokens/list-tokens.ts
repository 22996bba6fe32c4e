import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { IngestTokenInfo, IngestTokens, IngestTokensError } from '../ports/ingest-tokens.js';

/** The ingest tokens of a tenant (of every tenant with null): never a secret nor its hash. */
export const listTokens = (
  tokens: IngestTokens,
  tenantId: string | null,
): TE.TaskEither<IngestTokensError, readonly IngestTokenInfo[]> => tokens.list(tenantId);
