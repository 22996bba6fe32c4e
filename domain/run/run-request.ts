/** What a run is asked for: the tenant's agent, the goal, where the request came from. */
export type RunRequest = {
  readonly tenant_id: string;
  readonly agent_id: string;
  readonly goal: string;
  readonly origin_system_id: string;
  /** The run's budget; the agent's when absent. */
  readonly budget_cents?: number;
};
