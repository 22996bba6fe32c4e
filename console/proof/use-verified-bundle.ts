import { useEffect, useRef, useState } from 'preact/hooks';
import type { VerifyAnswer, VerifyRequest } from './verify-messages.js';

/** The worker's answer for the page (its id dropped), or null while it works. */
export type Verified = Exclude<VerifyAnswer, { kind: 'problem' }>;

const WORKER_URL = '/assets/verify-worker.js';

/** The bundle at `url` verified in a Web Worker against `keys` (null `url`: nothing to verify yet),
 * again whenever the keys change; the page keeps painting meanwhile. A 401 sends to /login. */
export const useVerifiedBundle = (url: string | null, keys: readonly Uint8Array[]) => {
  const worker = useRef<Worker | null>(null);
  const asked = useRef(0);
  const [verified, setVerified] = useState<Verified | null>(null);
  const [problem, setProblem] = useState<number | null>(null);
  useEffect(() => {
    const started = new Worker(WORKER_URL, { type: 'module' });
    started.onmessage = (message: MessageEvent<VerifyAnswer>) => {
      const answer = message.data;
      if (answer.id !== asked.current) return; // an answer to an earlier question
      if (answer.kind === 'verified') return setVerified(answer);
      if (answer.status === 401) window.location.assign('/login');
      setProblem(answer.status);
    };
    worker.current = started;
    return () => started.terminate();
  }, []);
  useEffect(() => {
    if (url === null || worker.current === null) return;
    asked.current += 1;
    setVerified(null);
    setProblem(null);
    const request: VerifyRequest = { id: asked.current, url, keys };
    worker.current.postMessage(request);
  }, [url, keys]);
  return { verified, problem };
};
