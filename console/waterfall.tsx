import { AttemptBars } from './attempt-bars.js';
import { duration, money } from './format.js';
import type { StepView } from './run-steps.js';
import { timelineSpan } from './run-steps.js';
import { stepStatusWords } from './step-attempts.js';

type Props = {
  readonly steps: readonly StepView[];
  /** The seq of the event where the verification first diverged, if any. */
  readonly divergedSeq: number | null;
  readonly onOpen: (step: StepView) => void;
};

/** The run's steps on one time scale: each step's row holds a bar per attempt, starting when it
 * started and as long as it took (retries, timeouts and failures drawn, and said in words next to
 * it); the step the proof failed on is marked. */
export const Waterfall = ({ steps, divergedSeq, onOpen }: Props) => {
  const span = timelineSpan(steps);
  if (steps.length === 0) return <p>No step was recorded.</p>;
  return (
    <ol class="waterfall" aria-label="Steps">
      {steps.map((step) => {
        const diverged = step.seq === divergedSeq;
        return (
          <li
            class={`step step-${step.status}${diverged ? ' diverged' : ''}`}
            data-step-index={step.step_index}
          >
            <button type="button" class="step-label" onClick={() => onOpen(step)}>
              <span class="step-index">#{step.step_index}</span> {step.skill}
            </button>
            <div class="track">
              <AttemptBars step={step} span={span} />
            </div>
            <span class="step-facts">
              {stepStatusWords(step)} · {duration(step.duration_ms)} · {money(step.cost_cents)}
              {step.retry_count > 0 &&
                ` · ${step.retry_count} ${step.retry_count === 1 ? 'retry' : 'retries'}`}
            </span>
            {diverged && <strong class="divergence-mark">FAILED here</strong>}
          </li>
        );
      })}
    </ol>
  );
};
