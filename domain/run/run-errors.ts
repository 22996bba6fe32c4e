/** Why the Run decider refused a command. Typed values; the CLI turns them into messages. */
export type RunDomainError =
  | { readonly kind: 'agent_not_found'; readonly agent_id: string; readonly tenant_id: string }
  | { readonly kind: 'run_already_exists'; readonly run_id: string }
  | { readonly kind: 'run_not_created' }
  | { readonly kind: 'not_planned'; readonly command: string }
  | { readonly kind: 'already_planned' }
  | { readonly kind: 'not_running'; readonly command: string; readonly status: string }
  | { readonly kind: 'invalid_plan_indexes'; readonly message: string }
  | {
      readonly kind: 'planning_attempt_out_of_order';
      readonly expected_attempt: number;
      readonly attempt: number;
    }
  | { readonly kind: 'step_out_of_order'; readonly expected_step_index: number; readonly step_index: number }
  | {
      readonly kind: 'step_not_in_plan';
      readonly step_index: number;
      readonly planned_skill: string | null;
      readonly skill: string;
    }
  | { readonly kind: 'steps_remaining'; readonly executed: number; readonly planned: number }
  | { readonly kind: 'error_required'; readonly status: string }
  | { readonly kind: 'run_completed'; readonly command: string }
  /** An observed run was recorded whole from a trace: nothing of it runs here. */
  | { readonly kind: 'observed_run'; readonly command: string };
