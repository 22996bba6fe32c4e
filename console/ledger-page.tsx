import * as E from 'fp-ts/lib/Either.js';
import { useEffect, useState } from 'preact/hooks';
import { openTreeHead } from '../domain/ledger/tree-head.js';
import { fetchJson } from './fetch-json.js';
import { LedgerConsistency } from './ledger-consistency.js';
import { loadPinnedKeys, rawKeys } from './proof/pinned-keys.js';
import { LoadingPage, ProblemPage } from './page-states.js';

type LedgerHeadBody = {
  readonly tenant_id: string;
  readonly tree_size: number;
  readonly root_hash: string;
  readonly key_id: string;
  readonly note: string;
};

const HeadFacts = ({ head }: { head: LedgerHeadBody }) => (
  <dl class="facts">
    <div>
      <dt>Tenant</dt>
      <dd>{head.tenant_id}</dd>
    </div>
    <div>
      <dt>Runs sealed (tree size)</dt>
      <dd>{head.tree_size}</dd>
    </div>
    <div>
      <dt>Root hash</dt>
      <dd>{head.root_hash}</dd>
    </div>
    <div>
      <dt>Signed now by key id</dt>
      <dd>{head.key_id}</dd>
    </div>
  </dl>
);

/** The tenant ledger's signed tree head, its signature checked in the page (the domain's
 * openTreeHead) against the keys the reader pinned; and its consistency between two sizes. */
export const LedgerPage = () => {
  const [head, setHead] = useState<LedgerHeadBody | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void fetchJson<LedgerHeadBody>('/api/ledger/head').then((got) =>
      got.ok ? setHead(got.body) : setProblem(`The ledger head could not be read (HTTP ${got.status}).`),
    );
  }, []);
  if (problem) return <ProblemPage problem={problem} />;
  if (!head) return <LoadingPage />;
  const pinned = loadPinnedKeys();
  const keys = new Map(pinned.map((k, i) => [k.key_id, rawKeys(pinned)[i]!]));
  const opened = openTreeHead(head.note, keys);
  const verified =
    E.isRight(opened) &&
    opened.right.tree_size === head.tree_size &&
    opened.right.root_hash === head.root_hash;
  return (
    <main>
      <h1>Tenant ledger</h1>
      <section class={`proof ${verified ? 'proof-ok' : 'proof-failed'}`} aria-label="Signed tree head">
        <h2>
          Signed tree head:{' '}
          <span class="verdict" data-verdict={verified ? 'VERIFIED' : 'FAILED'}>
            {verified ? 'VERIFIED' : 'FAILED'}
          </span>
        </h2>
        {E.isLeft(opened) && <p class="reason">{opened.left.message}</p>}
        {E.isRight(opened) && <p class="sub">Signed by pinned key {opened.right.signed_by.join(', ')}</p>}
        {pinned.length === 0 && <p class="sub">Pin a public key on a run page to check the signature.</p>}
      </section>
      <HeadFacts head={head} />
      <h2>The note (C2SP tlog-checkpoint)</h2>
      <pre class="note">{head.note}</pre>
      <LedgerConsistency treeSize={head.tree_size} pinned={pinned} />
    </main>
  );
};
