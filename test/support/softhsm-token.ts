import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's SoftHSM2 (apt-get install softhsm2): the PKCS#11 module and the tool that makes tokens. */
export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

const hasTool = (): boolean => {
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Why the SoftHSM2 tests cannot run here, or null when they can (CI installs softhsm2: .ci/run). */
export const softhsmMissing = (): string | null =>
  !existsSync(SOFTHSM2_MODULE)
    ? `${SOFTHSM2_MODULE} is absent (apt-get install softhsm2)`
    : hasTool()
      ? null
      : 'softhsm2-util is not on PATH (apt-get install softhsm2)';

export type SoftHsmToken = {
  /** SOFTHSM2_CONF and the AOS_PKCS11_* variables of the token's key, with the user PIN. */
  readonly env: NodeJS.ProcessEnv;
  readonly tokenLabel: string;
  readonly pin: string;
};

/** A token of its own, in a temporary SoftHSM2 configuration (its token directory beside it):
 * initialised with a user PIN and a security officer PIN; no key in it yet. */
export const softHsmToken = async (tokenLabel = 'aos-test', pin = '246810'): Promise<SoftHsmToken> => {
  const directory = await mkdtemp(join(tmpdir(), 'aos-softhsm-'));
  const tokens = join(directory, 'tokens');
  await mkdir(tokens);
  const conf = join(directory, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', '13579135'],
    { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' },
  );
  return {
    tokenLabel,
    pin,
    env: {
      SOFTHSM2_CONF: conf,
      AOS_SIGNER: 'pkcs11',
      AOS_PKCS11_MODULE: SOFTHSM2_MODULE,
      AOS_PKCS11_TOKEN_LABEL: tokenLabel,
      AOS_PKCS11_PIN: pin,
      AOS_PKCS11_KEY_LABEL: 'aos-seal',
    },
  };
};
