import { duration } from './format.js';
import type { StepView } from './run-steps.js';
import { stepAttempts, type AttemptStatus } from './step-attempts.js';

const WORDS: Readonly<Record<AttemptStatus, string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed out',
  skipped: 'skipped',
};

const percent = (ms: number, span: number) => `${(100 * ms) / span}%`;

/** A step's attempts on the run's time scale: one bar per attempt, coloured by what became of it
 * (succeeded, failed, timed out), each as long as it took, the backoff before a retry as a thin
 * line between them. */
export const AttemptBars = ({ step, span }: { step: StepView; span: number }) => {
  const attempts = stepAttempts(step);
  return (
    <>
      {attempts.map((a) => {
        const label = `attempt ${a.attempt}: ${WORDS[a.status]}${a.code === '' ? '' : ` (${a.code})`}, ${duration(a.duration_ms)}`;
        return (
          <>
            <div
              class={`bar attempt attempt-${a.status}`}
              data-attempt={a.attempt}
              data-status={a.status}
              role="img"
              aria-label={label}
              title={label}
              style={{ left: percent(a.offset_ms, span), width: `max(3px, ${percent(a.duration_ms, span)})` }}
            />
            {a.backoff_ms > 0 && (
              <div
                class="backoff"
                title={`backoff ${duration(a.backoff_ms)}`}
                style={{
                  left: percent(a.offset_ms + a.duration_ms, span),
                  width: percent(a.backoff_ms, span),
                }}
              />
            )}
          </>
        );
      })}
    </>
  );
};

/** What the colours of the attempt bars say. */
export const AttemptLegend = () => (
  <p class="legend" aria-hidden="true">
    {(['succeeded', 'failed', 'timed_out'] as const).map((status) => (
      <span>
        <span class={`bar attempt-${status}`} />
        {WORDS[status]}
      </span>
    ))}
    <span>
      <span class="backoff-sample" />
      backoff before a retry
    </span>
  </p>
);
