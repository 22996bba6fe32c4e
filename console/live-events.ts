import { useEffect, useState } from 'preact/hooks';
import type { BundleEventBody } from './api-types.js';

/** A running run's events as the server sends them (GET /api/runs/{run_id}/live), and whether it
 * has been sealed since. Nothing is opened while `active` is false. */
export const useLiveEvents = (runId: string, active: boolean) => {
  const [events, setEvents] = useState<readonly BundleEventBody[]>([]);
  const [sealed, setSealed] = useState(false);
  useEffect(() => {
    if (!active) return undefined;
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/live`);
    source.addEventListener('events', (message) => {
      const batch = JSON.parse((message as MessageEvent<string>).data) as BundleEventBody[];
      setEvents((seen) => [...seen, ...batch.filter((e) => !seen.some((s) => s.seq === e.seq))]);
    });
    source.addEventListener('sealed', () => {
      source.close();
      setSealed(true);
    });
    return () => source.close();
  }, [runId, active]);
  return { events, sealed };
};
