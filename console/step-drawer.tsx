import { useEffect, useState } from 'preact/hooks';
import type { BundleEventBody } from './api-types.js';
import { fetchJson } from './fetch-json.js';
import { JsonView } from './json-view.js';
import type { StepView } from './run-steps.js';

/** The step's event: the one the page holds, else read (GET /api/runs/{run_id}/events?from=seq). */
const useStepEvent = (runId: string, step: StepView) => {
  const [read, setRead] = useState<{ seq: number; event: BundleEventBody | null } | null>(null);
  useEffect(() => {
    if (step.event !== undefined) return;
    const path = `/api/runs/${encodeURIComponent(runId)}/events?from=${step.seq}&limit=1`;
    void fetchJson<{ events: BundleEventBody[] }>(path).then((got) =>
      setRead({ seq: step.seq, event: got.ok ? (got.body.events[0] ?? null) : null }),
    );
  }, [runId, step]);
  if (step.event !== undefined) return step.event;
  return read?.seq === step.seq ? read.event : undefined;
};

/** One step's record: its params, outcome and attempts, as collapsible JSON. */
export const StepDrawer = ({
  runId,
  step,
  onClose,
}: {
  runId: string;
  step: StepView;
  onClose: () => void;
}) => {
  const event = useStepEvent(runId, step);
  const data = event?.data;
  return (
    <aside class="drawer" aria-label={`Step ${step.step_index}`}>
      <header>
        <h2>
          Step #{step.step_index}: {step.skill}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <p class="sub">
        Event seq {step.seq}
        {event ? `, recorded ${event.recorded_at}` : ''}
      </p>
      {event === undefined && <p>Reading the step's record…</p>}
      {event === null && <p class="problem">The step's record could not be read.</p>}
      {data && (
        <>
          <h3>Params</h3>
          <JsonView value={data.params} />
          <h3>Outcome</h3>
          <JsonView value={data.outcome} />
          {Array.isArray(data.attempts) && (
            <>
              <h3>Earlier attempts</h3>
              <JsonView value={data.attempts} />
            </>
          )}
        </>
      )}
    </aside>
  );
};
