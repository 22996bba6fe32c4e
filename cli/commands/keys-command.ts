import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Argv } from 'yargs';
import { CliFailure, infrastructureError, orThrow } from '../cli-failure.js';
import { runAndPrint } from '../command-output.js';
import { ExitCode } from '../exit-codes.js';
import { shown } from '../terminal-text.js';
import type { PublicKeyRecord } from '../../domain/ports/signing-keys.js';
import type { TokenSignerConfig } from '../../domain/ports/token-signer.js';
import { configuredSigner } from '../signer-config.js';
import { withJson, type ArgsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const jsonOnly = (yargs: Argv) => withJson(yargs);
type Args = ArgsOf<typeof jsonOnly>;
const initOptions = (yargs: Argv) =>
  withJson(yargs).option('if-missing', {
    type: 'boolean',
    default: false,
    describe: 'when a signing key already exists: say so and exit 0 (not 1), changing nothing',
  });
const rotateOptions = (yargs: Argv) =>
  withJson(yargs).option('replace-unreadable', {
    type: 'boolean',
    default: false,
    describe: 'when the private key file cannot be read: move it aside and make a new key',
  });

const keys = async () => {
  const [module, messages] = await Promise.all([
    import('../../adapters/keys/key-directory.js'),
    import('../key-file-messages.js'),
  ]);
  return { ...module, ...messages, directory: module.keyDirectory(process.env) };
};

const unexpected =
  (directory: string) =>
  async (error: unknown): Promise<never> => {
    if (error instanceof CliFailure) throw error;
    const { keyDirectoryFailure } = await keys();
    throw keyDirectoryFailure(error, (message) =>
      infrastructureError(`key directory ${directory}: ${message}`),
    );
  };

const init = async (args: ArgsOf<typeof initOptions>) =>
  runAndPrint(args, async () => {
    const { initKeys, keyFileRefusedMessage, directory } = await keys();
    const choice = configuredSigner(process.env);
    if (choice.kind === 'pkcs11') {
      const { initTokenKey } = await import('../token-keys.js');
      return initTokenKey(choice.config, directory).catch(unexpected(directory));
    }
    const made = await initKeys(directory, new Date().toISOString()).catch(unexpected(directory));
    if (E.isLeft(made) && made.left.kind === 'key_exists' && args['if-missing'])
      return {
        exitCode: ExitCode.ok,
        json: { directory, created: false, path: made.left.path },
        text: `a signing key already exists at ${shown(made.left.path)}: nothing was changed`,
      };
    const active = pipe(
      made,
      orThrow((error) =>
        error.kind === 'key_file_refused'
          ? infrastructureError(keyFileRefusedMessage(error))
          : new CliFailure(
              ExitCode.failed,
              'key_exists',
              `a signing key already exists at ${error.path}; use \`aos-int keys rotate\` to replace it (or --if-missing to accept it)`,
            ),
      ),
    );
    return {
      exitCode: ExitCode.ok,
      json: { directory, created: true, active },
      text: `signing key created: key_id ${active.key_id}\nprivate key: ${shown(directory)}/signing-key.pem (mode 0600)\npublic keys: ${shown(directory)}/public-keys/`,
    };
  });

const unreadableHelp = (path: string, message: string) =>
  `the signing key ${path} is unreadable (${message}); \`aos-int keys rotate --replace-unreadable\` moves it aside and makes a new one (the public keys of earlier seals stay)`;

const rotate = async (args: ArgsOf<typeof rotateOptions>) =>
  runAndPrint(args, async () => {
    const { rotateKeys, signingKeyMessage, directory } = await keys();
    if (configuredSigner(process.env).kind === 'pkcs11')
      throw new CliFailure(
        ExitCode.usage,
        'invalid_input',
        'AOS_SIGNER: keys rotate replaces key files; with a PKCS#11 token, make the new key under a new AOS_PKCS11_KEY_LABEL with `aos-int keys init` (the old public key stays in the key set and keeps verifying its seals)',
        'AOS_SIGNER',
      );
    const rotated = await rotateKeys(directory, new Date().toISOString(), {
      replaceUnreadable: args['replace-unreadable'],
    }).catch(unexpected(directory));
    const { active, retired } = pipe(
      rotated,
      orThrow((error) =>
        error.kind === 'no_signing_key'
          ? new CliFailure(
              ExitCode.notFound,
              error.kind,
              `no signing key at ${error.path} to rotate: create one with \`aos-int keys init\``,
            )
          : infrastructureError(
              error.kind === 'signing_key_unreadable'
                ? unreadableHelp(error.path, error.message)
                : signingKeyMessage(error),
            ),
      ),
    );
    return {
      exitCode: ExitCode.ok,
      json: { directory, active, retired },
      text: `new signing key: ${active.key_id}\nretired (still verifies its seals): ${retired?.key_id ?? 'none (the unreadable key was moved aside)'}`,
    };
  });

const list = async (args: Args) =>
  runAndPrint(args, async () => {
    const { listPublicKeys, loadSigner, signingKeyMessage, directory } = await keys();
    const choice = configuredSigner(process.env);
    const records = await listPublicKeys(directory).catch(unexpected(directory));
    if (choice.kind === 'pkcs11') return listWithToken(choice.config, directory, records);
    const signer = await loadSigner(directory);
    const problem = E.isLeft(signer) ? signer.left : null;
    // Runs cannot be sealed with an unreadable key: say so, with the way out, and exit 4.
    if (problem?.kind === 'signing_key_unreadable')
      process.stderr.write(`error: ${shown(unreadableHelp(problem.path, problem.message))}\n`);
    if (problem?.kind === 'key_file_refused')
      process.stderr.write(`error: ${shown(signingKeyMessage(problem))}\n`);
    const unreadable = problem !== null && problem.kind !== 'no_signing_key';
    const activeId = E.isRight(signer) ? signer.right.keyId : null;
    return listed(directory, records, activeId, unreadable ? ExitCode.infrastructure : ExitCode.ok);
  });

const listed = (
  directory: string,
  records: readonly PublicKeyRecord[],
  activeId: string | null,
  exitCode: ExitCode,
) => {
  const rows = records.map((r) => ({ ...r, active: r.key_id === activeId }));
  return {
    exitCode,
    json: { directory, keys: rows },
    ...(rows.length === 0
      ? { text: `no keys in ${shown(directory)}: create one with \`aos-int keys init\`` }
      : {
          table: {
            head: ['key_id', 'algorithm', 'created_at', 'retired_at', 'active'],
            rows: rows.map((r) => [
              r.key_id,
              r.algorithm,
              r.created_at,
              r.retired_at ?? '',
              r.active ? 'yes' : '',
            ]),
          },
        }),
  };
};

/** `keys list` with AOS_SIGNER=pkcs11: the active key is the token's (a token that cannot be
 * opened is said on stderr, exit 4, as an unreadable key file is). */
const listWithToken = async (
  config: TokenSignerConfig,
  directory: string,
  records: readonly PublicKeyRecord[],
) => {
  const [{ loadTokenSigner }, { tokenSignerMessage }] = await Promise.all([
    import('../../adapters/keys/pkcs11-signer.js'),
    import('../token-signer-messages.js'),
  ]);
  const signer = await loadTokenSigner(config);
  if (E.isLeft(signer)) process.stderr.write(`error: ${shown(tokenSignerMessage(signer.left))}\n`);
  return E.isLeft(signer)
    ? listed(directory, records, null, ExitCode.infrastructure)
    : listed(directory, records, signer.right.keyId, ExitCode.ok);
};

/** `keys public`: the active signer's public key record (the token's key with AOS_SIGNER=pkcs11),
 * the file an auditor gives `aos verify --public-key`. */
const exportPublic = async (args: Args) =>
  runAndPrint(args, async () => {
    const [{ listPublicKeys, directory }, { requireSigner }, { publicKeyRecordOf }] = await Promise.all([
      keys(),
      import('../signing-keys.js'),
      import('../token-keys.js'),
    ]);
    const signer = await requireSigner(directory, configuredSigner(process.env));
    const record = publicKeyRecordOf(signer, await listPublicKeys(directory).catch(unexpected(directory)));
    return { exitCode: ExitCode.ok, json: record, text: JSON.stringify(record, null, 2) };
  });

export const keysCommand: CommandBody<object> = {
  builder: (yargs: Argv) =>
    yargs
      .command({
        command: 'init',
        describe: 'create the signing key (private key file mode 0600, or in the PKCS#11 token)',
        builder: initOptions,
        handler: init,
      })
      .command({
        command: 'rotate',
        describe: 'replace the signing key; the old public key keeps verifying old seals',
        builder: rotateOptions,
        handler: rotate,
      })
      .command({
        command: 'public',
        describe: 'print the active public key record (give it to auditors: aos verify --public-key)',
        builder: jsonOnly,
        handler: exportPublic,
      })
      .command({
        command: 'list',
        describe: 'list the public keys with their key_id',
        builder: jsonOnly,
        handler: list,
      })
      .demandCommand(1),
  handler: () => undefined,
};
