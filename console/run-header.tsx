import type { RunOverviewBody } from './api-types.js';
import { between, duration, money, when } from './format.js';
import { planningCostCents } from './planning-exchanges.js';
import type { SealFacts } from './proof/verify-messages.js';
import type { StepView } from './run-steps.js';
import { StatusBadge } from './status-badge.js';

type Props = {
  readonly run: RunOverviewBody;
  /** The seal's facts from the bundle, once the worker read it. */
  readonly seal: SealFacts | null;
  readonly steps: readonly StepView[];
};

/** Why the run failed or halted, as its RunCompleted says (text, never markup). */
const runError = (error: unknown): string | null => {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, step_index } = error as Record<string, unknown>;
  const where = typeof step_index === 'number' ? ` (step #${step_index})` : '';
  return `${String(code ?? 'error')}${where}: ${String(message ?? '')}`;
};

/** The run at a glance: goal, who ran it, what it cost against its budget, when, and its seal. */
export const RunHeader = ({ run, seal, steps }: Props) => {
  const planning = planningCostCents(run.planning);
  const cost = steps.reduce((sum, s) => sum + s.cost_cents, planning);
  const facts: [string, string][] = [
    ['Run', run.run_id],
    ['Agent', run.agent_id],
    ['Tenant', run.tenant_id],
    ['Origin', run.origin_system_id],
    ['Planner', run.planner ?? (run.observation === null ? 'unknown' : 'observed')],
    [
      'Cost / budget',
      `${money(cost)} of ${money(run.budget_cents)}${planning > 0 ? ` (planning ${money(planning)})` : ''}`,
    ],
    ['Started', when(run.created_at)],
    ['Finished', when(run.completed_at)],
    ['Duration', duration(between(run.created_at, run.completed_at))],
    [
      'Seal key id',
      seal === null ? (run.completed_at === null ? 'not sealed' : '…') : (seal.key_id ?? 'not sealed'),
    ],
    ['Ledger index', seal?.ledger ? `${seal.ledger.leaf_index} of ${seal.ledger.tree_size}` : '—'],
  ];
  return (
    <header class="run-header">
      <p>
        <a href="/">← Runs</a>
      </p>
      <h1 class="goal">{run.goal}</h1>
      <StatusBadge status={run.status} />
      {runError(run.error) && <p class="run-error">{runError(run.error)}</p>}
      <dl class="facts">
        {facts.map(([name, value]) => (
          <div>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </header>
  );
};
