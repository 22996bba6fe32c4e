import * as E from 'fp-ts/lib/Either.js';
import { useState } from 'preact/hooks';
import { openTreeHead } from '../domain/ledger/tree-head.js';
import type { LedgerConsistencyDocument } from '../domain/verify/printed-documents.js';
import {
  verifyLedgerConsistency,
  type LedgerConsistencyVerdict,
} from '../domain/verify/verify-ledger-consistency.js';
import { fetchJson } from './fetch-json.js';
import { rawKeys, type PinnedKey } from './proof/pinned-keys.js';

type Checked = {
  readonly doc: LedgerConsistencyDocument;
  readonly verdict: LedgerConsistencyVerdict;
  readonly pinned: readonly PinnedKey[];
};

/** Who signed a head, as its signature checks out against the pinned keys (or the key id the
 * server names, said to be unverified). */
const signerOf = (note: string, claimed: string, pinned: readonly PinnedKey[]): string => {
  const raw = rawKeys(pinned);
  const opened = openTreeHead(note, new Map(pinned.map((k, i) => [k.key_id, raw[i]!])));
  return E.isRight(opened) && opened.right.signed_by.length > 0
    ? opened.right.signed_by.join(', ')
    : `${claimed} (as the server says; its signature does not verify against a pinned key)`;
};

/** One of the two signed tree heads the proof is between: its size, root and signing key. */
const HeadCard = (props: { title: string; size: number; root: string; keyId: string; note: string }) => (
  <div class="head-card" aria-label={props.title}>
    <h3>{props.title}</h3>
    <dl class="head-facts">
      <div>
        <dt>Tree size</dt>
        <dd data-field="size">{props.size}</dd>
      </div>
      <div>
        <dt>Root hash</dt>
        <dd data-field="root">{props.root}</dd>
      </div>
      <div>
        <dt>Key id</dt>
        <dd data-field="key_id">{props.keyId}</dd>
      </div>
    </dl>
    <details>
      <summary>The signed note</summary>
      <pre class="note">{props.note}</pre>
    </details>
  </div>
);

const Result = ({ checked }: { checked: Checked }) => {
  const { doc, verdict, pinned } = checked;
  const ok = verdict.verification_status === 'VERIFIED';
  const word = ok ? 'VERIFIED' : 'FAILED';
  return (
    <div class={`proof ${ok ? 'proof-ok' : 'proof-failed'}`}>
      <p class="consistency-line">
        Consistency from size {verdict.from ?? '?'} to size {verdict.to ?? '?'}:{' '}
        <strong class="consistency-verdict" data-verdict={word}>
          {word}
        </strong>
      </p>
      {ok ? (
        <p class="sub">
          The RFC 9162 consistency proof ({doc.proof.length} hashes) shows the ledger of size {doc.from} to be
          a prefix of the ledger of size {doc.to}: no sealed run was removed or rewritten. Both heads are
          signed by a pinned key.
        </p>
      ) : (
        <p class="reason">
          {verdict.failure_reason}
          {verdict.divergence && ` (at ${verdict.divergence.field})`}
        </p>
      )}
      {verdict.from !== null && (
        <div class="heads">
          <HeadCard
            title="Older head"
            size={doc.from}
            root={doc.old_root}
            keyId={signerOf(doc.old_head, doc.key_id, pinned)}
            note={doc.old_head}
          />
          <HeadCard
            title="Newer head"
            size={doc.to}
            root={doc.new_root}
            keyId={signerOf(doc.new_head, doc.key_id, pinned)}
            note={doc.new_head}
          />
        </div>
      )}
    </div>
  );
};

/** Consistency between two sizes of the tenant ledger the reader picks: the server's RFC 9162
 * proof and both signed heads, verified here by the domain's verifyLedgerConsistency (the same as
 * `aos verify` of `aos ledger consistency --json`) against the pinned keys. */
export const LedgerConsistency = ({
  treeSize,
  pinned,
}: {
  treeSize: number;
  pinned: readonly PinnedKey[];
}) => {
  const [first, setFirst] = useState(String(Math.min(1, treeSize)));
  const [second, setSecond] = useState(String(treeSize));
  const [checked, setChecked] = useState<Checked | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const check = async (event: Event) => {
    event.preventDefault();
    setChecked(null);
    setProblem(null);
    const query = new URLSearchParams({ first, second });
    const got = await fetchJson<LedgerConsistencyDocument>(`/api/ledger/consistency?${query.toString()}`);
    if (!got.ok) return setProblem(got.message ?? `The proof could not be read (HTTP ${got.status}).`);
    setChecked({ doc: got.body, verdict: verifyLedgerConsistency(got.body, rawKeys(pinned)), pinned });
  };
  return (
    <section class="consistency" aria-label="Consistency between two sizes">
      <h2>Consistency between two sizes</h2>
      <form class="consistency-form" onSubmit={(e) => void check(e)}>
        <label>
          Older size
          <input
            name="first"
            type="number"
            min="0"
            value={first}
            onInput={(e) => setFirst(e.currentTarget.value)}
          />
        </label>
        <label>
          Newer size
          <input
            name="second"
            type="number"
            min="0"
            value={second}
            onInput={(e) => setSecond(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Check consistency</button>
      </form>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {checked && <Result checked={checked} />}
    </section>
  );
};
