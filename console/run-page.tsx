import { useEffect, useMemo, useState } from 'preact/hooks';
import { AttemptLegend } from './attempt-bars.js';
import type { BundleVerdict } from '../domain/bundle/bundle-verification.js';
import type { BundleEventBody, RunOverviewBody } from './api-types.js';
import { fetchJson } from './fetch-json.js';
import { JsonView } from './json-view.js';
import { useLiveEvents } from './live-events.js';
import { PlanningExchanges } from './planning-exchanges.js';
import { ProofPanel } from './proof-panel.js';
import { loadPinnedKeys, rawKeys, savePinnedKeys, type PinnedKey } from './proof/pinned-keys.js';
import { useVerifiedBundle } from './proof/use-verified-bundle.js';
import { RunHeader } from './run-header.js';
import { runSteps, withKnownEvents, type StepView } from './run-steps.js';
import { StepDrawer } from './step-drawer.js';
import { Waterfall } from './waterfall.js';
import { LoadingPage, ProblemPage } from './page-states.js';

/** The run, and its first steps (with their events) once it has ended. */
type Loaded = { readonly run: RunOverviewBody; readonly first: readonly StepView[] };

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

/** Events read for the first paint: the run's opening events and its first steps. */
const FIRST_EVENTS = 200;

/** The run, and once it has ended its first events (a running run has no seal yet: it is followed
 * live, its first events unused); its bundle is read and verified by the worker after. */
const useRun = (runId: string, version: number) => {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const id = encodeURIComponent(runId);
    void (async () => {
      // Both at once: one round trip before the first paint, not two.
      const [run, first] = await Promise.all([
        fetchJson<RunOverviewBody>(`/api/runs/${id}`),
        fetchJson<{ events: BundleEventBody[] }>(`/api/runs/${id}/events?from=0&limit=${FIRST_EVENTS}`),
      ]);
      if (!run.ok) return setProblem(run.status === 404 ? 'No such run.' : 'The run could not be read.');
      if (!ENDED.includes(run.body.status)) return setLoaded({ run: run.body, first: [] });
      if (!first.ok) return setProblem("The run's events could not be read.");
      setLoaded({ run: run.body, first: runSteps(first.body.events) });
    })();
  }, [runId, version]);
  return { loaded, problem };
};

/** The run as loaded; while it runs, its steps as they arrive, and loaded again once sealed. Once
 * ended, its bundle verified in the worker against the pinned keys, and all its steps. */
const useRunFollowed = (runId: string, keys: readonly Uint8Array[]) => {
  const [version, setVersion] = useState(0);
  const { loaded, problem } = useRun(runId, version);
  const ended = loaded !== null && ENDED.includes(loaded.run.status);
  const running = loaded !== null && !ended;
  const live = useLiveEvents(runId, running);
  useEffect(() => {
    if (live.sealed) setVersion((v) => v + 1);
  }, [live.sealed]);
  const bundleUrl = ended ? `/api/runs/${encodeURIComponent(runId)}/bundle?v=${version}` : null;
  const { verified, problem: bundleProblem } = useVerifiedBundle(bundleUrl, keys);
  const steps = useMemo(() => {
    if (running) return runSteps(live.events);
    if (verified?.steps) return withKnownEvents(verified.steps, loaded?.first ?? []);
    return loaded?.first ?? [];
  }, [loaded, running, live.events, verified]);
  const unread = bundleProblem === null ? null : "The run's bundle could not be read.";
  return { loaded, problem: problem ?? unread, running, steps, verified };
};

/** One run: its header, the proof computed here, its plan, its steps on a time scale. */
export const RunPage = ({ runId }: { runId: string }) => {
  const [pinned, setPinned] = useState<readonly PinnedKey[]>(loadPinnedKeys);
  const keys = useMemo(() => rawKeys(pinned), [pinned]);
  const { loaded, problem, running, steps, verified } = useRunFollowed(runId, keys);
  const [open, setOpen] = useState<StepView | null>(null);
  const verdict: BundleVerdict | null = verified?.verdict ?? null;
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
      <RunHeader run={loaded.run} seal={verified?.seal ?? null} steps={steps} />
      <ProofPanel
        verdict={verdict}
        running={running}
        pinned={pinned}
        onPin={(chosen) => {
          savePinnedKeys(chosen);
          setPinned(chosen);
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
      {open && <StepDrawer runId={runId} step={open} onClose={() => setOpen(null)} />}
      <PlanSection run={loaded.run} />
      <CompareForm runId={runId} />
    </main>
  );
};
