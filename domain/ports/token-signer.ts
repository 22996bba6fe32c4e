/** Where a signing key kept in a PKCS#11 token (an HSM, SoftHSM2) is found: the token's module (a
 * shared library), the token by label, the user PIN, and the key pair by label. The private key
 * never leaves the token: seals and tree heads are signed inside it (CKM_EDDSA, Ed25519). */
export type TokenSignerConfig = {
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly keyLabel: string;
};

/** Why the token's key cannot sign (or be made): each names what to fix. */
export type TokenSignerError =
  | { readonly kind: 'pkcs11_module_unloadable'; readonly module: string; readonly message: string }
  | {
      readonly kind: 'pkcs11_token_not_found';
      readonly tokenLabel: string;
      readonly available: readonly string[];
    }
  | { readonly kind: 'pkcs11_pin_incorrect' | 'pkcs11_pin_locked'; readonly tokenLabel: string }
  | { readonly kind: 'pkcs11_key_not_found'; readonly tokenLabel: string; readonly keyLabel: string }
  | {
      readonly kind: 'pkcs11_key_ambiguous';
      readonly tokenLabel: string;
      readonly keyLabel: string;
      readonly count: number;
    }
  | {
      /** Not an Ed25519 key pair, or a private key whose signatures its public key does not verify. */
      readonly kind: 'pkcs11_key_unusable';
      readonly tokenLabel: string;
      readonly keyLabel: string;
      readonly message: string;
    }
  | { readonly kind: 'pkcs11_failed'; readonly operation: string; readonly code: string };
