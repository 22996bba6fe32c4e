import { useEffect, useState } from 'preact/hooks';
import type { RunListRow, RunsPageBody } from './api-types.js';
import { fetchJson } from './fetch-json.js';
import { between, duration, money, when } from './format.js';
import { StatusBadge } from './status-badge.js';

type Filters = { status: string; agent: string; origin: string; from: string; to: string; q: string };
const NO_FILTERS: Filters = { status: '', agent: '', origin: '', from: '', to: '', q: '' };
const STATUSES = ['', 'created', 'running', 'succeeded', 'failed', 'halted'];

const queryOf = (filters: Filters, cursor: string | null): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value.trim() === '') continue;
    params.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value.trim());
  }
  if (cursor !== null) params.set('cursor', cursor);
  return params.toString();
};

const Row = ({ run }: { run: RunListRow }) => (
  <tr>
    <td>
      <a href={`/runs/${encodeURIComponent(run.run_id)}`}>{run.goal === '' ? run.run_id : run.goal}</a>
      <div class="sub">{run.run_id}</div>
    </td>
    <td>
      <StatusBadge status={run.status} />
    </td>
    <td class="num">{run.step_count ?? '—'}</td>
    <td class="num">{money(run.cost_cents)}</td>
    <td class="num">{duration(between(run.created_at, run.completed_at))}</td>
    <td>
      {run.ledger_index === null ? (
        <span class="unsealed">unsealed</span>
      ) : (
        <span class="sealed">sealed #{run.ledger_index}</span>
      )}
    </td>
    <td>{run.agent_id}</td>
    <td>
      {run.origin_system_id}
      {/* observed: recorded from an OpenTelemetry trace after it ran (aos serve), no plan before it. */}
      <div class="sub recorded">{run.observed ? 'observed' : 'planned'}</div>
    </td>
    <td>{when(run.created_at)}</td>
  </tr>
);

const FilterForm = ({ onApply }: { onApply: (filters: Filters) => void }) => {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const onInput = (name: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value });
  const field = (name: keyof Filters, label: string) => (
    <label>
      {label}
      <input type="text" name={name} value={draft[name]} onInput={onInput(name)} />
    </label>
  );
  const instant = (name: keyof Filters, label: string) => (
    <label>
      {label}
      <input type="datetime-local" name={name} value={draft[name]} onInput={onInput(name)} />
    </label>
  );
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      {field('q', 'Goal contains')}
      <label>
        Status
        <select
          name="status"
          value={draft.status}
          onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}
        >
          {STATUSES.map((s) => (
            <option value={s}>{s === '' ? 'any' : s}</option>
          ))}
        </select>
      </label>
      {field('agent', 'Agent')}
      {field('origin', 'Origin')}
      {instant('from', 'From')}
      {instant('to', 'To')}
      <button type="submit">Apply</button>
    </form>
  );
};

const RunsTable = ({ runs }: { runs: readonly RunListRow[] }) => (
  <table class="runs">
    <thead>
      <tr>
        <th scope="col">Goal</th>
        <th scope="col">Status</th>
        <th scope="col">Steps</th>
        <th scope="col">Cost</th>
        <th scope="col">Duration</th>
        <th scope="col">Seal</th>
        <th scope="col">Agent</th>
        <th scope="col">Origin</th>
        <th scope="col">Created</th>
      </tr>
    </thead>
    <tbody>
      {runs.map((run) => (
        <Row key={run.run_id} run={run} />
      ))}
    </tbody>
  </table>
);

/** The tenant's runs, newest first, a page at a time (the server's keyset cursor). */
export const RunsList = () => {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const [page, setPage] = useState<RunsPageBody | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;
  useEffect(() => {
    void fetchJson<RunsPageBody>(`/api/runs?${queryOf(filters, cursor)}`).then((got) => {
      if (got.ok) setPage(got.body);
      else setProblem(`The runs could not be read (HTTP ${got.status}).`);
    });
  }, [filters, cursor]);
  return (
    <main>
      <h1>Runs</h1>
      {page && <p class="sub">Tenant {page.tenant_id}</p>}
      <FilterForm
        onApply={(next) => {
          setFilters(next);
          setCursors([null]);
        }}
      />
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
      <RunsTable runs={page?.runs ?? []} />
      {page && page.runs.length === 0 && <p>No runs.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button
          type="button"
          disabled={!page?.next_cursor}
          onClick={() => page?.next_cursor && setCursors([...cursors, page.next_cursor])}
        >
          Older
        </button>
      </nav>
    </main>
  );
};
