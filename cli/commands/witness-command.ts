import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Argv, CommandModule } from 'yargs';
import { readFileSafely } from '../../adapters/files/safe-files.js';
import { runproofKeyId } from '../../domain/proof/ed25519-keys.js';
import { cosignatureLine, cosignerVerifierKey } from '../../domain/witness/cosignature.js';
import { parseWitnessedLogs } from '../../domain/witness/witnessed-logs.js';
import { parseListenAddress } from '../../server/listen-address.js';
import { orThrow, usageError } from '../cli-failure.js';
import { describeFileRefusal } from '../file-refusal-messages.js';
import { readWitnessKeyFile } from '../witness-key-file.js';
import { cannotListen, runUntilStopped } from '../long-running-command.js';
import type { ArgsOf, OptionsOf } from './common-options.js';
import type { CommandBody } from '../lazy-command.js';

const serveOptions = (yargs: Argv) =>
  yargs
    .option('listen', { type: 'string', default: '127.0.0.1:7380', describe: 'HOST:PORT to listen on' })
    .option('state-dir', {
      type: 'string',
      demandOption: true,
      describe: 'where the latest cosigned checkpoint of each log is kept',
    })
    .option('key', {
      type: 'string',
      demandOption: true,
      describe: 'the Ed25519 private key, PKCS #8 PEM (openssl genpkey -algorithm ed25519)',
    })
    .option('logs', {
      type: 'string',
      demandOption: true,
      describe: 'the logs witnessed, one line each: log <origin> <verifier key>',
    })
    .option('name', {
      type: 'string',
      describe: 'the witness name in its cosignatures (default aos.witness/<key id>)',
    });

const readLogs = (path: string) => {
  const bytes = pipe(
    readFileSafely(path, { followLinks: true, access: 'anyone', maxBytes: 1024 * 1024 }),
    orThrow((refusal) => usageError('logs', `cannot read ${path}: it ${describeFileRefusal(refusal)}`)),
  );
  return pipe(
    parseWitnessedLogs(bytes.toString('utf8')),
    orThrow((problem) => usageError('logs', `${path}: ${problem}`)),
  );
};

/** Decodes every option (exit 2 naming the one at fault, nothing written), then serves. */
const serveWitnessToEnd = async (args: ArgsOf<typeof serveOptions>): Promise<void> => {
  const listen = parseListenAddress(args.listen);
  if (E.isLeft(listen)) throw usageError('listen', listen.left);
  const key = readWitnessKeyFile(args.key);
  const logs = readLogs(args.logs);
  const cosigner = {
    name: args.name ?? `aos.witness/${runproofKeyId(key.rawPublicKey)}`,
    rawPublicKey: key.rawPublicKey,
  };
  if (!/^[^\s+]+$/u.test(cosigner.name)) throw usageError('name', 'must be non-empty, without spaces or "+"');
  const [{ openWitnessStateFiles }, { serveWitness }, { ListenFailure }] = await Promise.all([
    import('../../adapters/witness/witness-state-files.js'),
    import('../../server/witness-serve.js'),
    import('../../server/listen-failure.js'),
  ]);
  const store = await openWitnessStateFiles(args['state-dir']);
  const witness = {
    cosign: (body: string, timestamp: number) => cosignatureLine(body, cosigner, key.privateKey, timestamp),
    logs,
    store,
    nowSeconds: () => Math.floor(Date.now() / 1000),
  };
  try {
    await serveWitness({
      listen: listen.right,
      witness,
      verifierKey: cosignerVerifierKey(cosigner),
      exitNow: (code) => process.exit(code),
    });
  } catch (error) {
    if (error instanceof ListenFailure) throw cannotListen(args.listen, error);
    throw error;
  }
};

const serve = (args: ArgsOf<typeof serveOptions>): Promise<void> =>
  runUntilStopped(() => serveWitnessToEnd(args));

const serveCommand: CommandModule<object, OptionsOf<typeof serveOptions>> = {
  command: 'serve',
  describe: 'run a C2SP tlog-witness: POST /add-checkpoint cosigns checkpoints consistent with the last one',
  builder: serveOptions,
  handler: serve,
};

export const witnessCommand: CommandBody<object> = {
  builder: (yargs) => yargs.command(serveCommand).demandCommand(1),
  handler: () => undefined,
};
