import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway PKI made by `openssl` in its own directory: a CA, a TSA certificate it issued
 * (extendedKeyUsage critical timeStamping) and the `openssl ts` configuration that signs with it. */
export type TsaPki = {
  readonly dir: string;
  readonly caCert: string;
  readonly tsaCert: string;
  readonly config: string;
};

const TSA_EXTENSIONS = `basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=critical,timeStamping
`;

const tsConfig = (dir: string) => `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = ${dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/ca.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

const openssl = (dir: string, args: readonly string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA and a TSA certificate named `name`, in a new directory under `parent` (or the temp dir). */
export const makeTsaPki = async (name: string, parent?: string): Promise<TsaPki> => {
  const dir = parent ? join(parent, name) : await mkdtemp(join(tmpdir(), `aos-tsa-${name}-`));
  await mkdir(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    `/CN=${name} CA`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  openssl(dir, ['req', '-new', ...ec, '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', `/CN=${name} TSA`]);
  await writeFile(join(dir, 'tsa.ext'), TSA_EXTENSIONS);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'tsa.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tsa.crt',
    '-days',
    '3650',
    '-extfile',
    'tsa.ext',
  ]);
  await writeFile(join(dir, 'tsaserial'), '01\n');
  await writeFile(join(dir, 'tsa.cnf'), tsConfig(dir));
  return { dir, caCert: join(dir, 'ca.crt'), tsaCert: join(dir, 'tsa.crt'), config: join(dir, 'tsa.cnf') };
};

let counter = 0;

/** `openssl ts -reply` to one DER TimeStampReq: the DER TimeStampResp. */
const opensslReply = async (pki: TsaPki, query: Uint8Array): Promise<Buffer> => {
  const base = join(pki.dir, `q${process.pid}-${counter++}`);
  await writeFile(`${base}.tsq`, query);
  try {
    await run('openssl', [
      'ts',
      '-reply',
      '-config',
      pki.config,
      '-queryfile',
      `${base}.tsq`,
      '-out',
      `${base}.tsr`,
    ]);
    return await readFile(`${base}.tsr`);
  } finally {
    await rm(`${base}.tsq`, { force: true });
    await rm(`${base}.tsr`, { force: true });
  }
};

/** A token made by `openssl ts` alone (query, reply, token out) over `data`: DER ContentInfo. */
export const opensslToken = async (pki: TsaPki, data: Uint8Array): Promise<Buffer> => {
  const base = join(pki.dir, `t${process.pid}-${counter++}`);
  await writeFile(`${base}.bin`, data);
  await run('openssl', ['ts', '-query', '-data', `${base}.bin`, '-sha256', '-cert', '-out', `${base}.tsq`]);
  await run('openssl', [
    'ts',
    '-reply',
    '-config',
    pki.config,
    '-queryfile',
    `${base}.tsq`,
    '-token_out',
    '-out',
    `${base}.tok`,
  ]);
  return readFile(`${base}.tok`);
};

export type LocalTsa = { readonly url: string; readonly requests: number; close(): Promise<void> };

/** A TSA on 127.0.0.1: `POST /` of an application/timestamp-query answered by `openssl ts -reply`
 * with the PKI's TSA certificate (RFC 3161 over HTTP, section 3.4). */
export const startLocalTsa = async (pki: TsaPki): Promise<LocalTsa> => {
  let requests = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      opensslReply(pki, Buffer.concat(chunks)).then(
        (reply) => response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
