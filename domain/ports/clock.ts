/** Time as the domain sees it. */
export interface Clock {
  /** `recorded_at` of events: RFC 3339 UTC with three fractional digits and Z. */
  now(): string;
  /** A monotonic reading in milliseconds, for step durations. */
  monotonicMs(): number;
  /** Waits `ms` milliseconds (backoff between retries). */
  sleep(ms: number): Promise<void>;
}
