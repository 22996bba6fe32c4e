import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ledgerConsistency } from '../../application/ledger/ledger-consistency.js';
import type { buildHttpServer } from '../http-server.js';
import type { ConsoleDeps } from './console-deps.js';
import { parseConsistencyQuery } from './consistency-query.js';
import { asReaderApi } from './read-access.js';

const badRequest = (reply: FastifyReply, field: string, message: string) =>
  reply.code(400).send({ error: 'bad_request', field, message });

const consistency =
  (deps: () => ConsoleDeps | null) => async (request: FastifyRequest, reply: FastifyReply) => {
    const current = deps();
    const tenantId = request.tenantId;
    if (current === null || tenantId === undefined)
      throw new Error('consistency route reached without a reader');
    const query = parseConsistencyQuery(request.query as Record<string, unknown>);
    if (E.isLeft(query)) return badRequest(reply, query.left.field, query.left.message);
    const { first, second } = query.right;
    const proved = await ledgerConsistency(current.services.store, current.keys, tenantId, first, second);
    if (E.isRight(proved)) return proved.right;
    if (proved.left.kind === 'store')
      return reply.code(503).send({ error: 'unavailable', message: 'the store failed: try again' });
    if (proved.left.kind === 'ledger_damaged')
      return reply
        .code(500)
        .send({ error: 'ledger_damaged', message: "the tenant's ledger is damaged: run aos verify-all" });
    const field = proved.left.size === 'from' ? 'first' : 'second';
    const asked = field === 'first' ? first : second;
    return badRequest(
      reply,
      field,
      `${field} (${asked}) is beyond the ledger: it holds ${proved.left.tree_size} sealed runs`,
    );
  };

/** GET /api/ledger/consistency?first=N&second=M: `aos ledger consistency --json` of the reader's
 * tenant (the RFC 9162 consistency proof between the two sizes, and a tree head of each signed
 * now), which the ledger page verifies itself. */
export const registerLedgerConsistencyRoute = (
  app: ReturnType<typeof buildHttpServer>,
  deps: () => ConsoleDeps | null,
): void => {
  void app.register(async (scope) => {
    asReaderApi(scope, deps);
    scope.get('/api/ledger/consistency', consistency(deps));
  });
};
