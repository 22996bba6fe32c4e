import { useEffect, useMemo, useRef } from 'preact/hooks';
import { AttemptBars } from './attempt-bars.js';
import { duration, money } from './format.js';
import type { StepView } from './run-steps.js';
import { timelineSpan } from './run-steps.js';
import { stepStatusWords } from './step-attempts.js';
import { useRowHeight, useVisibleRows } from './visible-rows.js';

type Props = {
  readonly steps: readonly StepView[];
  /** The seq of the event where the verification first diverged, if any. */
  readonly divergedSeq: number | null;
  readonly onOpen: (step: StepView) => void;
};

/** Above this many steps only the rows in view are in the DOM (a run of 100,000 steps). */
const WINDOWED_FROM = 200;
const ROW_PX_GUESS = 33;

const StepRow = ({
  step,
  span,
  diverged,
  onOpen,
}: { step: StepView; span: number; diverged: boolean } & Pick<Props, 'onOpen'>) => {
  return (
    <li class={`step step-${step.status}${diverged ? ' diverged' : ''}`} data-step-index={step.step_index}>
      <button type="button" class="step-label" onClick={() => onOpen(step)}>
        <span class="step-index">#{step.step_index}</span> {step.skill}
      </button>
      <div class="track">
        <AttemptBars step={step} span={span} />
      </div>
      <span class="step-facts">
        {stepStatusWords(step)} · {duration(step.duration_ms)} · {money(step.cost_cents)}
        {step.retry_count > 0 && ` · ${step.retry_count} ${step.retry_count === 1 ? 'retry' : 'retries'}`}
      </span>
      {diverged && <strong class="divergence-mark">FAILED here</strong>}
    </li>
  );
};

/** Scrolls the page to the step the proof failed on, when it is not drawn. */
const useScrollToDiverged = (
  list: { current: HTMLElement | null },
  steps: readonly StepView[],
  divergedSeq: number | null,
  rowPx: number,
) => {
  useEffect(() => {
    if (divergedSeq === null || steps.length <= WINDOWED_FROM || list.current === null) return;
    const index = steps.findIndex((s) => s.seq === divergedSeq);
    if (index < 0) return;
    const top = list.current.getBoundingClientRect().top + window.scrollY + index * rowPx;
    window.scrollTo({ top: Math.max(0, top - window.innerHeight / 3) });
  }, [list, steps, divergedSeq, rowPx]);
};

/** The run's steps on one time scale: each bar starts when its step started and is as long as it
 * took; retries and failures are said in words next to it; the step the proof failed on is marked.
 * A long run's rows are drawn only where the window shows them (the list keeps its full height). */
export const Waterfall = ({ steps, divergedSeq, onOpen }: Props) => {
  const list = useRef<HTMLOListElement | null>(null);
  const span = useMemo(() => timelineSpan(steps), [steps]);
  const rowPx = useRowHeight(list, ROW_PX_GUESS);
  const visible = useVisibleRows(list, steps.length, rowPx);
  useScrollToDiverged(list, steps, divergedSeq, rowPx);
  if (steps.length === 0) return <p>No step was recorded.</p>;
  const windowed = steps.length > WINDOWED_FROM;
  const from = windowed ? Math.min(visible.from, steps.length) : 0;
  const to = windowed ? Math.min(visible.to, steps.length) : steps.length;
  const padding = windowed
    ? { paddingTop: `${from * rowPx}px`, paddingBottom: `${(steps.length - to) * rowPx}px` }
    : undefined;
  return (
    <ol class="waterfall" aria-label="Steps" ref={list} style={padding}>
      {steps.slice(from, to).map((step) => (
        <StepRow key={step.seq} step={step} span={span} diverged={step.seq === divergedSeq} onOpen={onOpen} />
      ))}
    </ol>
  );
};
