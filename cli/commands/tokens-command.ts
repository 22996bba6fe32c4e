import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import type { RevokeTokenError } from '../../application/tokens/revoke-token.js';
import { TenantIdC } from '../../domain/run/identifiers.js';
import { TokenIdC, TokenNameC, TokenScopeC } from '../../domain/tokens/ingest-token.js';
import { type CliFailure, notFound, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { decodeOption } from '../input-validation.js';
import { storeFailure, withRuntime } from '../runtime.js';
import { shown } from '../terminal-text.js';
import { withJson, withTenant, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const createOptions = (yargs: Argv) =>
  withJson(withTenant(yargs))
    .option('name', { type: 'string', describe: 'what the token is for (1-200 characters)' })
    .option('scope', { type: 'string', describe: 'ingest (send telemetry, the default) or read' });
const listOptions = (yargs: Argv) => withJson(withTenant(yargs));
const revokeOptions = (yargs: Argv) =>
  withJson(yargs).option('token-id', { type: 'string', describe: 'the token to revoke (UUID)' });

const create = async (args: ArgsOf<typeof createOptions>) =>
  runAndPrint(args, async () => {
    const tenantId = decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const name = args.name === undefined ? null : decodeOption(TokenNameC, 'name', args.name);
    const scope = decodeOption(TokenScopeC, 'scope', args.scope ?? 'ingest');
    const [{ createToken }, { systemClock }, { randomIds, randomSecretBytes }] = await Promise.all([
      import('../../application/tokens/create-token.js'),
      import('../../adapters/system-clock.js'),
      import('../../adapters/random-ids.js'),
    ]);
    return withRuntime(async ({ ingestTokens }) => {
      const deps = {
        tokens: ingestTokens,
        clock: systemClock,
        ids: randomIds,
        randomBytes: randomSecretBytes,
      };
      const created = pipe(
        await createToken(deps, { tenant_id: tenantId, name, scope })(),
        orThrow(storeFailure),
      );
      return {
        exitCode: ExitCode.ok,
        json: {
          token_id: created.token_id,
          tenant_id: created.tenant_id,
          scope: created.scope,
          name: created.name,
          token: created.token,
          created_at: created.created_at,
        },
        text: [
          `Token: ${created.token}`,
          `Token ID: ${created.token_id}`,
          `Tenant ID: ${created.tenant_id}`,
          `Scope: ${created.scope}`,
          ...(created.name === null ? [] : [`Name: ${shown(created.name)}`]),
          'Store this token now: it will not be shown again (only its hash is kept).',
        ].join('\n'),
      };
    });
  });

const list = async (args: ArgsOf<typeof listOptions>) =>
  runAndPrint(args, async () => {
    const tenantId =
      args['tenant-id'] === undefined ? null : decodeOption(TenantIdC, 'tenant-id', args['tenant-id']);
    const { listTokens } = await import('../../application/tokens/list-tokens.js');
    return withRuntime(async ({ ingestTokens }) => {
      const tokens = pipe(await listTokens(ingestTokens, tenantId)(), orThrow(storeFailure));
      return {
        exitCode: ExitCode.ok,
        json: { tenant_id: tenantId, tokens },
        table: {
          head: ['token_id', 'tenant_id', 'name', 'scope', 'created_at', 'revoked_at'],
          rows: tokens.map((t) => [
            t.token_id,
            t.tenant_id,
            t.name ?? '',
            t.scope,
            t.created_at,
            t.revoked_at ?? '',
          ]),
          wrap: ['name'],
        },
      };
    });
  });

const revokedFailure = (error: RevokeTokenError): CliFailure =>
  error.kind === 'not_found' ? notFound(`no token ${error.token_id}`) : storeFailure(error);

const revoke = async (args: ArgsOf<typeof revokeOptions>) =>
  runAndPrint(args, async () => {
    const tokenId = decodeOption(TokenIdC, 'token-id', args['token-id']);
    const [{ revokeToken }, { systemClock }] = await Promise.all([
      import('../../application/tokens/revoke-token.js'),
      import('../../adapters/system-clock.js'),
    ]);
    return withRuntime(async ({ ingestTokens }) => {
      const { outcome, token } = pipe(
        await revokeToken({ tokens: ingestTokens, clock: systemClock }, tokenId)(),
        orThrow(revokedFailure),
      );
      return {
        exitCode: ExitCode.ok,
        json: { ...token, already_revoked: outcome === 'already_revoked' },
        text:
          outcome === 'revoked'
            ? `Token ${token.token_id} revoked at ${token.revoked_at ?? ''}`
            : `Token ${token.token_id} was already revoked (at ${token.revoked_at ?? ''}); nothing changed`,
      };
    });
  });

export const tokensCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'create',
        describe: 'create a token of a tenant and print it, once (only its hash is stored)',
        builder: createOptions,
        handler: create,
      })
      .command({
        command: 'list',
        describe: 'list tokens (of a tenant, or of all): never the token itself',
        builder: listOptions,
        handler: list,
      })
      .command({
        command: 'revoke',
        describe: 'revoke a token (revoking it again says it already was)',
        builder: revokeOptions,
        handler: revoke,
      })
      .demandCommand(1),
  handler: () => undefined,
};
