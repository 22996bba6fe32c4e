import { useEffect, useState } from 'preact/hooks';
import type { BundleBody, RunOverviewBody } from './api-types.js';
import { fetchJson } from './fetch-json.js';
import { duration, money } from './format.js';
import { runSteps, type StepView } from './run-steps.js';
import { LoadingPage, ProblemPage } from './page-states.js';

type Side = { readonly run: RunOverviewBody; readonly steps: readonly StepView[] };

const loadSide = async (runId: string): Promise<Side | null> => {
  const id = encodeURIComponent(runId);
  const [run, bundle] = await Promise.all([
    fetchJson<RunOverviewBody>(`/api/runs/${id}`),
    fetchJson<BundleBody>(`/api/runs/${id}/bundle`),
  ]);
  return run.ok && bundle.ok ? { run: run.body, steps: runSteps(bundle.body.events) } : null;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What differs between the two runs' records of one step index. */
const differences = (a: StepView | undefined, b: StepView | undefined): string[] => {
  if (a === undefined || b === undefined) return [a === undefined ? 'only in B' : 'only in A'];
  const found: string[] = [];
  if (a.skill !== b.skill) found.push('skill');
  if (!same(a.event?.data.params, b.event?.data.params)) found.push('params');
  if (a.status !== b.status) found.push('status');
  if (!same(a.event?.data.outcome, b.event?.data.outcome)) found.push('outcome');
  if (a.retry_count !== b.retry_count) found.push('retries');
  return found;
};

const Cell = ({ step }: { step: StepView | undefined }) =>
  step === undefined ? (
    <td>—</td>
  ) : (
    <td>
      {step.skill}: {step.status}, {duration(step.duration_ms)}, {money(step.cost_cents)}
    </td>
  );

const StepsTable = ({ left, right }: { left: Side; right: Side }) => {
  const count = Math.max(left.steps.length, right.steps.length);
  const rows = Array.from({ length: count }, (_, i) => [left.steps[i], right.steps[i]] as const);
  return (
    <table class="runs compare">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">A</th>
          <th scope="col">B</th>
          <th scope="col">Differs in</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([x, y], i) => {
          const found = differences(x, y);
          return (
            <tr class={found.length > 0 ? 'differs' : ''}>
              <td>#{i}</td>
              <Cell step={x} />
              <Cell step={y} />
              <td>{found.length === 0 ? 'nothing' : found.join(', ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

/** Two runs side by side, step by step: what differs in their plans' steps and in what the steps did. */
export const ComparePage = ({ a, b }: { a: string; b: string }) => {
  const [sides, setSides] = useState<[Side, Side] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void Promise.all([loadSide(a), loadSide(b)]).then(([left, right]) =>
      left && right ? setSides([left, right]) : setProblem('One of the runs could not be read.'),
    );
  }, [a, b]);
  if (problem) return <ProblemPage problem={problem} />;
  if (!sides) return <LoadingPage />;
  const [left, right] = sides;
  return (
    <main>
      <h1>Compare runs</h1>
      <p class="sub">
        A: <a href={`/runs/${encodeURIComponent(a)}`}>{left.run.goal}</a>
      </p>
      <p class="sub">
        B: <a href={`/runs/${encodeURIComponent(b)}`}>{right.run.goal}</a>
      </p>
      {left.run.agent_id !== right.run.agent_id && <p class="problem">The runs are of different agents.</p>}
      <p>Plans: {same(left.run.plan, right.run.plan) ? 'the same' : 'different'}</p>
      <StepsTable left={left} right={right} />
    </main>
  );
};
