/** The read tables the projector writes, described once: the SQL writer, the row reader and the
 * proof's comparison all use these definitions, so a column cannot be written one way and
 * compared another. */
export type ColumnKind = 'text' | 'integer' | 'float' | 'timestamp' | 'json';

export type TableDefinition = {
  readonly name: string;
  readonly key: readonly string[];
  readonly columns: Readonly<Record<string, ColumnKind>>;
};

export const aosTracesTable = {
  name: 'aos_traces',
  key: ['run_id'],
  columns: {
    run_id: 'text',
    tenant_id: 'text',
    agent_id: 'text',
    origin_system_id: 'text',
    goal: 'text',
    status: 'text',
    created_at: 'timestamp',
    started_at: 'timestamp',
    completed_at: 'timestamp',
    root_hash: 'text',
    chain_length: 'integer',
    step_count: 'integer',
    total_cost_cents: 'integer',
    error_code: 'text',
    error_message: 'text',
  },
} as const satisfies TableDefinition;

export const aosTraceStepsTable = {
  name: 'aos_trace_steps',
  key: ['run_id', 'seq'],
  columns: {
    run_id: 'text',
    tenant_id: 'text',
    seq: 'integer',
    step_index: 'integer',
    skill_name: 'text',
    params: 'json',
    status: 'text',
    outcome_category: 'text',
    outcome_code: 'text',
    outcome_data: 'json',
    cost_cents: 'integer',
    duration_ms: 'float',
    retry_count: 'integer',
    attempts: 'json',
    recorded_at: 'timestamp',
    link: 'text',
  },
} as const satisfies TableDefinition;

export const runsTable = {
  name: 'runs',
  key: ['run_id'],
  columns: {
    run_id: 'text',
    tenant_id: 'text',
    agent_id: 'text',
    goal: 'text',
    origin_system_id: 'text',
    budget_cents: 'integer',
    status: 'text',
    attempt: 'integer',
    plan: 'json',
    /** Where an observed run came from (RunObserved); null for a planned run. */
    observation: 'json',
    error: 'json',
    created_at: 'timestamp',
    completed_at: 'timestamp',
    version: 'integer',
  },
} as const satisfies TableDefinition;

export const agentsTable = {
  name: 'agents',
  key: ['agent_id'],
  columns: {
    agent_id: 'text',
    tenant_id: 'text',
    name: 'text',
    plan_template: 'json',
    planner: 'json',
    budget_cents: 'integer',
    allowed_hosts: 'json',
    created_at: 'timestamp',
  },
} as const satisfies TableDefinition;

/** Each sealed run's place in its tenant ledger (its first seal): an index for the proof. */
export const aosRunSealsTable = {
  name: 'aos_run_seals',
  key: ['run_id'],
  columns: {
    run_id: 'text',
    tenant_id: 'text',
    ledger_index: 'integer',
  },
} as const satisfies TableDefinition;

export const projectionTables = [
  aosTracesTable,
  aosTraceStepsTable,
  runsTable,
  agentsTable,
  aosRunSealsTable,
] as const;
export type ProjectionTable = (typeof projectionTables)[number];
export type ProjectionTableName = ProjectionTable['name'];
