/** The form of `Clock.now()`: RFC 3339 UTC with three fractional digits and Z (event times, seal times). */
export const UTC_MILLIS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Time as the domain sees it. */
export interface Clock {
  /** `recorded_at` of events: RFC 3339 UTC with three fractional digits and Z. */
  now(): string;
  /** A monotonic reading in milliseconds, for step durations. */
  monotonicMs(): number;
  /** Waits `ms` milliseconds (backoff between retries). */
  sleep(ms: number): Promise<void>;
}
