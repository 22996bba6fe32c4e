import type { ComponentChildren } from 'preact';

/** A page that could not be read: the reason, as an alert, and what may follow it (a way back). */
export const ProblemPage = ({ problem, children }: { problem: string; children?: ComponentChildren }) => (
  <main>
    <p role="alert" class="problem">
      {problem}
    </p>
    {children}
  </main>
);

/** A page whose data is still on its way. */
export const LoadingPage = () => (
  <main>
    <p>Loading…</p>
  </main>
);
