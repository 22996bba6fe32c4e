const NANOS_PER_MS = 1_000_000n;

/** An RFC 3339 time (as `recorded_at` has it, to the millisecond) in Unix nanoseconds. */
export const unixNanoOf = (iso: string): bigint => BigInt(Date.parse(iso)) * NANOS_PER_MS;

/** A duration in (possibly fractional) milliseconds, in nanoseconds. */
export const nanosOfMs = (ms: number): bigint => BigInt(Math.round(ms * 1_000_000));

export const maxNano = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const minNano = (a: bigint, b: bigint): bigint => (a < b ? a : b);
