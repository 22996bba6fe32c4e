/** A connection the host policy refused where it is made. It travels through undici's connect
 * callback and comes back as the `cause` of the error fetch rejects with. */
export class HostDeniedError extends Error {
  readonly code = 'AOS_HOST_DENIED';
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = 'HostDeniedError';
    this.reason = reason;
  }
}

/** The HostDeniedError in an error or its chain of causes, or null. */
export const hostDenialIn = (error: unknown): HostDeniedError | null => {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof HostDeniedError) return current;
    current = 'cause' in current ? current.cause : undefined;
  }
  return null;
};
