import { JsonView } from './json-view.js';
import type { StepView } from './run-steps.js';

/** One step's record: its params, outcome and attempts, as collapsible JSON. */
export const StepDrawer = ({ step, onClose }: { step: StepView; onClose: () => void }) => {
  const data = step.event.data;
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
        Event seq {step.seq}, recorded {step.event.recorded_at}
      </p>
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
    </aside>
  );
};
