import * as E from 'fp-ts/lib/Either.js';
import type { PKCS11 } from 'pkcs11js';
import type { TokenSignerConfig, TokenSignerError } from '../../domain/ports/token-signer.js';
import { importModule } from '../module-import.js';

type Pkcs11Module = typeof import('pkcs11js');

/** A logged-in read-write session on the configured token, with the library it came from. */
export type TokenSession = {
  readonly pkcs11: Pkcs11Module;
  readonly module: PKCS11;
  readonly session: Buffer;
  readonly config: TokenSignerConfig;
};

/** The CKR_ name of a PKCS#11 failure (pkcs11js puts it in the message), or null for another error. */
const ckrOf = (error: unknown): string | null => {
  const match = /^(CKR_[A-Z0-9_]+)/.exec(error instanceof Error ? error.message : '');
  return match?.[1] ?? null;
};

/** A PKCS#11 call, its CKR_ failure as a value; anything else (a bug) is thrown on. */
export const attempt = <A>(operation: string, call: () => A): E.Either<TokenSignerError, A> => {
  try {
    return E.right(call());
  } catch (error) {
    const code = ckrOf(error);
    if (code === null) throw error;
    return E.left({ kind: 'pkcs11_failed', operation, code });
  }
};

/** One library object per module path: C_Initialize is once per process. */
const loaded = new Map<string, PKCS11>();

const loadModule = async (
  path: string,
): Promise<E.Either<TokenSignerError, { pkcs11: Pkcs11Module; module: PKCS11 }>> => {
  let pkcs11: Pkcs11Module;
  try {
    // Through importModule: in the bundled CLIs import() needs the launcher's loader.
    pkcs11 = ((await importModule('pkcs11js')) as { default: Pkcs11Module }).default;
  } catch (error) {
    const message = `the pkcs11js native addon is not installed or not built (${(error as Error).message}); it needs a C++ toolchain: \`npm rebuild pkcs11js\``;
    return E.left({ kind: 'pkcs11_module_unloadable', module: path, message });
  }
  const known = loaded.get(path);
  if (known !== undefined) return E.right({ pkcs11, module: known });
  const module = new pkcs11.PKCS11();
  try {
    module.load(path);
  } catch (error) {
    return E.left({ kind: 'pkcs11_module_unloadable', module: path, message: (error as Error).message });
  }
  try {
    module.C_Initialize();
  } catch (error) {
    if (ckrOf(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      const message = `C_Initialize failed: ${ckrOf(error) ?? (error as Error).message}`;
      return E.left({ kind: 'pkcs11_module_unloadable', module: path, message });
    }
  }
  loaded.set(path, module);
  return E.right({ pkcs11, module });
};

/** Labels are padded with spaces to 32 bytes; an uninitialised token (SoftHSM2's free slot) has none. */
const labelOf = (pkcs11: Pkcs11Module, module: PKCS11, slot: Buffer): string | null => {
  const info = module.C_GetTokenInfo(slot);
  return (info.flags & pkcs11.CKF_TOKEN_INITIALIZED) === 0 ? null : info.label.trimEnd();
};

const findSlot = (
  pkcs11: Pkcs11Module,
  module: PKCS11,
  tokenLabel: string,
): E.Either<TokenSignerError, Buffer> => {
  const slots = attempt('C_GetSlotList', () =>
    module.C_GetSlotList(true).map((slot) => ({ slot, label: labelOf(pkcs11, module, slot) })),
  );
  if (E.isLeft(slots)) return slots;
  const found = slots.right.find((entry) => entry.label === tokenLabel);
  if (found !== undefined) return E.right(found.slot);
  const available = slots.right.flatMap((entry) => (entry.label === null ? [] : [entry.label]));
  return E.left({ kind: 'pkcs11_token_not_found', tokenLabel, available });
};

const login = (
  pkcs11: Pkcs11Module,
  module: PKCS11,
  session: Buffer,
  config: TokenSignerConfig,
): E.Either<TokenSignerError, void> => {
  try {
    module.C_Login(session, pkcs11.CKU_USER, config.pin);
    return E.right(undefined);
  } catch (error) {
    const code = ckrOf(error);
    if (code === 'CKR_USER_ALREADY_LOGGED_IN') return E.right(undefined);
    if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_LEN_RANGE')
      return E.left({ kind: 'pkcs11_pin_incorrect', tokenLabel: config.tokenLabel });
    if (code === 'CKR_PIN_LOCKED')
      return E.left({ kind: 'pkcs11_pin_locked', tokenLabel: config.tokenLabel });
    if (code === null) throw error;
    return E.left({ kind: 'pkcs11_failed', operation: 'C_Login', code });
  }
};

/** Loads the module, finds the token by label, opens a session and logs the user in. The session
 * lives as long as the process (a signer signs for as long as the command or server runs). */
export const openTokenSession = async (
  config: TokenSignerConfig,
): Promise<E.Either<TokenSignerError, TokenSession>> => {
  const library = await loadModule(config.module);
  if (E.isLeft(library)) return library;
  const { pkcs11, module } = library.right;
  const slot = findSlot(pkcs11, module, config.tokenLabel);
  if (E.isLeft(slot)) return slot;
  const session = attempt('C_OpenSession', () =>
    module.C_OpenSession(slot.right, pkcs11.CKF_RW_SESSION | pkcs11.CKF_SERIAL_SESSION),
  );
  if (E.isLeft(session)) return session;
  const loggedIn = login(pkcs11, module, session.right, config);
  if (E.isLeft(loggedIn)) {
    module.C_CloseSession(session.right);
    return loggedIn;
  }
  return E.right({ pkcs11, module, session: session.right, config });
};
