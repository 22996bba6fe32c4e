/** Source of `recorded_at` times: RFC 3339 UTC with three fractional digits and Z. */
export interface Clock {
  now(): string;
}
