import { render } from 'preact';
import { ComparePage } from './compare-page.js';
import { LedgerPage } from './ledger-page.js';
import { RunPage } from './run-page.js';
import { RunsList } from './runs-list.js';

/** The page's route, from its path: /runs/{run_id} or the list. */
const App = () => {
  const match = /^\/runs\/([^/]+)$/.exec(window.location.pathname);
  const query = new URLSearchParams(window.location.search);
  return (
    <>
      <nav class="top" aria-label="Console">
        <a href="/" class="brand">
          AOS RunProof
        </a>
        <a href="/ledger" class="brand">
          Ledger
        </a>
        <form method="post" action="/logout">
          <button type="submit">Sign out</button>
        </form>
      </nav>
      {match?.[1] ? (
        <RunPage runId={decodeURIComponent(match[1])} />
      ) : window.location.pathname === '/ledger' ? (
        <LedgerPage />
      ) : window.location.pathname === '/compare' ? (
        <ComparePage a={query.get('a') ?? ''} b={query.get('b') ?? ''} />
      ) : (
        <RunsList />
      )}
    </>
  );
};

const root = document.getElementById('app');
if (root) render(<App />, root);
