import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../../application/tokens/authenticate-token.js';
import type { ConsoleDeps } from './console-deps.js';
import { cookieValue, SESSION_COOKIE } from './session-cookie.js';

/** The Authorization value a request reads with: its own `Authorization: Bearer`, or the token of
 * its session cookie. */
const presentedAuthorization = (request: FastifyRequest): string | undefined => {
  if (request.headers.authorization !== undefined) return request.headers.authorization;
  const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
  return token === undefined ? undefined : `Bearer ${token}`;
};

/** The tenant of a read token, or why there is none (`store`: the database failed). */
export const readTenant = async (
  deps: ConsoleDeps,
  authorization: string | undefined,
): Promise<E.Either<'unauthorized' | 'store', string>> => {
  const principal = await authenticate(deps.services.ingestTokens)(authorization, 'read')();
  if (E.isRight(principal)) return E.right(principal.right.tenant_id);
  return E.left(principal.left.kind === 'store' ? 'store' : 'unauthorized');
};

/** A preHandler of the console's routes: the request's tenant from its read token (bearer or
 * session), else 401 (API) or a redirect to /login (pages); 503 when the server is not ready. */
export const requireReader =
  (deps: () => ConsoleDeps | null, kind: 'api' | 'page') =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    const current = deps();
    if (current === null)
      return reply.code(503).send({ error: 'not_ready', message: 'the server is not ready: try again' });
    const tenant = await readTenant(current, presentedAuthorization(request));
    if (E.isRight(tenant)) {
      request.tenantId = tenant.right;
      return undefined;
    }
    if (tenant.left === 'store')
      return reply.code(503).send({ error: 'unavailable', message: 'the token store is unavailable' });
    if (kind === 'page') return reply.redirect('/login', 303);
    return reply.code(401).send({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <read token>, or sign in at /login',
    });
  };

/** A scope of the JSON API: each request needs a reader (its token's tenant), and no answer is
 * cached (it is one tenant's data, as of now). */
export const asReaderApi = (scope: FastifyInstance, deps: () => ConsoleDeps | null): void => {
  scope.addHook('preHandler', requireReader(deps, 'api'));
  scope.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });
};
