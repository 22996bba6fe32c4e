/** How often a seal is tried against a tenant ledger that other sealers keep moving: each try
 * appends at the ledger's length as read, and another seal landing first makes it try again. */
export const MAX_LEDGER_ATTEMPTS = 60;

/** Full-jitter exponential backoff between tries, capped: concurrent sealers of one tenant spread
 * out instead of colliding again in lockstep. */
export const ledgerBackoffMs = (attempt: number, random: () => number): number =>
  Math.floor(random() * Math.min(200, 2 ** attempt));
