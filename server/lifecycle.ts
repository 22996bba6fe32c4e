/** Where the server is in its life: `starting` until the database is open and migrated, `ready`
 * while it serves, `stopping` from the first SIGTERM/SIGINT (readyz says 503 from then on). */
export type LifecycleState = 'starting' | 'ready' | 'stopping';

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Work done at shutdown once no request is in flight, before the database services close (later:
 * "seal what is due"). A hook that fails is logged; the others still run. */
export type ShutdownHook = { readonly name: string; run(): Promise<void> };

export type Lifecycle = {
  state(): LifecycleState;
  /** The database is open and migrated; `probe` checks it answers (a `SELECT 1`) on each readyz. */
  markReady(probe: () => Promise<void>): void;
  readiness(): Promise<Readiness>;
  /** Asks the server to stop (the first signal): the state turns `stopping`, `stopRequested` resolves. */
  requestStop(reason: string): void;
  /** Resolves with the reason once a stop is requested. */
  readonly stopRequested: Promise<string>;
  onShutdown(hook: ShutdownHook): void;
  /** Runs the hooks, the last added first; reports each failure to `failed` and goes on. */
  runShutdownHooks(failed: (hook: string, error: unknown) => void): Promise<void>;
};

export const createLifecycle = (): Lifecycle => {
  let state: LifecycleState = 'starting';
  let probe: (() => Promise<void>) | null = null;
  const hooks: ShutdownHook[] = [];
  let stop: (reason: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => (stop = resolve));
  return {
    state: () => state,
    markReady: (check) => {
      probe = check;
      if (state === 'starting') state = 'ready';
    },
    readiness: async () => {
      if (state === 'starting') return { ready: false, reason: 'starting: the database is not open yet' };
      if (state === 'stopping' || probe === null) return { ready: false, reason: 'shutting down' };
      try {
        await probe();
        return { ready: true };
      } catch (error) {
        return {
          ready: false,
          reason: `database: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },
    requestStop: (reason) => {
      state = 'stopping';
      stop(reason);
    },
    stopRequested,
    onShutdown: (hook) => void hooks.push(hook),
    runShutdownHooks: async (failed) => {
      for (const hook of [...hooks].reverse()) {
        try {
          await hook.run();
        } catch (error) {
          failed(hook.name, error);
        }
      }
    },
  };
};

/** The exit code of a process ended by `signal` (128 + its number): 130 for SIGINT, 143 for SIGTERM. */
const signalExitCode = (signal: 'SIGINT' | 'SIGTERM'): number => (signal === 'SIGINT' ? 130 : 143);

/** SIGTERM and SIGINT: the first asks the lifecycle to stop; a second one calls `exitNow` with the
 * signal's exit code. Returns what removes the handlers. */
export const trapStopSignals = (lifecycle: Lifecycle, exitNow: (code: number) => void): (() => void) => {
  let received = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (received) return exitNow(signalExitCode(signal));
    received = true;
    lifecycle.requestStop(signal);
  };
  const signals = ['SIGINT', 'SIGTERM'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
};
