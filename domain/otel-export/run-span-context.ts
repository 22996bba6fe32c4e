/** What every span of one run is derived from: its ids. */
export type RunSpanContext = {
  readonly tenant_id: string;
  readonly run_id: string;
  readonly trace_id: string;
  readonly root_span_id: string;
};
