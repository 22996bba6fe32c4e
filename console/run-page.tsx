import { useEffect, useMemo, useState } from 'preact/hooks';
import { AttemptLegend } from './attempt-bars.js';
import type { BundleVerdict } from '../domain/bundle/bundle-verification.js';
import type { BundleBody, RunOverviewBody } from './api-types.js';
import { fetchJson } from './fetch-json.js';
import { JsonView } from './json-view.js';
import { useLiveEvents } from './live-events.js';
import { PlanningExchanges } from './planning-exchanges.js';
import { ProofPanel } from './proof-panel.js';
import { loadPinnedKeys, rawKeys, savePinnedKeys, type PinnedKey } from './proof/pinned-keys.js';
import { verifyInPage } from './proof/verify-in-page.js';
import { RunHeader } from './run-header.js';
import { runSteps, type StepView } from './run-steps.js';
import { StepDrawer } from './step-drawer.js';
import { Waterfall } from './waterfall.js';
import { LoadingPage, ProblemPage } from './page-states.js';

type Loaded = { readonly run: RunOverviewBody; readonly bundle: BundleBody | null };

/** The plan as stored (with the model's exchanges for an LLM plan), or the observation it was
 * recorded from. */
const PlanSection = ({ run }: { run: RunOverviewBody }) => (
  <section aria-label="Plan">
    <h2>{run.observation === null ? 'Plan' : 'Observation'}</h2>
    <JsonView value={run.observation === null ? run.plan : run.observation} />
    {run.planning.length > 0 && (
      <>
        <h3>Planner exchanges</h3>
        <PlanningExchanges planning={run.planning} />
      </>
    )}
  </section>
);

const ENDED = ['succeeded', 'failed', 'halted'];

/** Opens /compare with this run as A and the run id given as B. */
const CompareForm = ({ runId }: { runId: string }) => (
  <form class="compare-form" method="get" action="/compare">
    <input type="hidden" name="a" value={runId} />
    <label>
      Compare with run
      <input type="text" name="b" required placeholder="run id" />
    </label>
    <button type="submit">Compare</button>
  </form>
);

/** The run, and its bundle once it has ended (a running run has no seal yet: it is followed live). */
const useRun = (runId: string, version: number) => {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const id = encodeURIComponent(runId);
    void (async () => {
      const run = await fetchJson<RunOverviewBody>(`/api/runs/${id}`);
      if (!run.ok) return setProblem(run.status === 404 ? 'No such run.' : 'The run could not be read.');
      if (!ENDED.includes(run.body.status)) return setLoaded({ run: run.body, bundle: null });
      const bundle = await fetchJson<BundleBody>(`/api/runs/${id}/bundle`);
      if (!bundle.ok) return setProblem("The run's bundle could not be read.");
      setLoaded({ run: run.body, bundle: bundle.body });
    })();
  }, [runId, version]);
  return { loaded, problem };
};

/** The run as loaded; while it runs, its steps as they arrive, and loaded again once sealed. */
const useRunFollowed = (runId: string) => {
  const [version, setVersion] = useState(0);
  const { loaded, problem } = useRun(runId, version);
  const ended = loaded !== null && ENDED.includes(loaded.run.status);
  const running = loaded !== null && !ended;
  const live = useLiveEvents(runId, running);
  useEffect(() => {
    if (live.sealed) setVersion((v) => v + 1);
  }, [live.sealed]);
  const steps = useMemo(
    () => (running ? runSteps(live.events) : loaded?.bundle ? runSteps(loaded.bundle.events) : []),
    [loaded, running, live.events],
  );
  return { loaded, problem, ended, running, steps };
};

/** One run: its header, the proof computed here, its plan, its steps on a time scale. */
export const RunPage = ({ runId }: { runId: string }) => {
  const { loaded, problem, ended, running, steps } = useRunFollowed(runId);
  const [pinned, setPinned] = useState<readonly PinnedKey[]>(loadPinnedKeys);
  const [open, setOpen] = useState<StepView | null>(null);
  const verdict: BundleVerdict | null = useMemo(
    () => (loaded?.bundle && ended ? verifyInPage(loaded.bundle, rawKeys(pinned)) : null),
    [loaded, ended, pinned],
  );
  if (problem)
    return (
      <ProblemPage problem={problem}>
        <a href="/">← Runs</a>
      </ProblemPage>
    );
  if (!loaded) return <LoadingPage />;
  const divergence = verdict?.integrity.divergence ?? null;
  return (
    <main class="run">
      <RunHeader run={loaded.run} bundle={loaded.bundle} steps={steps} />
      <ProofPanel
        verdict={verdict}
        running={running}
        pinned={pinned}
        onPin={(keys) => {
          savePinnedKeys(keys);
          setPinned(keys);
        }}
      />
      {divergence && (
        <p class="divergence">
          First divergence: {divergence.field}
          {divergence.seq === null ? '' : ` at event seq ${divergence.seq}`}
        </p>
      )}
      <section aria-label="Timeline">
        <h2>Steps</h2>
        <AttemptLegend />
        <Waterfall steps={steps} divergedSeq={divergence?.seq ?? null} onOpen={setOpen} />
      </section>
      {open && <StepDrawer step={open} onClose={() => setOpen(null)} />}
      <PlanSection run={loaded.run} />
      <CompareForm runId={runId} />
    </main>
  );
};
