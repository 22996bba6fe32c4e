import { useState } from 'preact/hooks';
import type { BundleVerdict } from '../domain/bundle/bundle-verification.js';
import { parseKeyText, type PinnedKey } from './proof/pinned-keys.js';

type Props = {
  readonly verdict: BundleVerdict | null;
  /** The run is still running: it is verified once it is sealed. */
  readonly running?: boolean;
  readonly pinned: readonly PinnedKey[];
  readonly onPin: (keys: readonly PinnedKey[]) => void;
};

const KeyPinning = ({ pinned, onPin }: Omit<Props, 'verdict' | 'running'>) => {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const pin = (source: string) => {
    const keys = parseKeyText(source);
    if (keys.length === 0) return setProblem('No Ed25519 public key found in that text.');
    setProblem(null);
    setText('');
    onPin([...pinned, ...keys.filter((k) => !pinned.some((p) => p.key_id === k.key_id))]);
  };
  return (
    <details class="keys" open={pinned.length === 0}>
      <summary>
        Pinned public keys ({pinned.length})
        {pinned.length > 0 && `: ${pinned.map((k) => k.key_id).join(', ')}`}
      </summary>
      <ul>
        {pinned.map((k) => (
          <li>
            <code>{k.key_id}</code>{' '}
            <button type="button" onClick={() => onPin(pinned.filter((p) => p.key_id !== k.key_id))}>
              Unpin
            </button>
          </li>
        ))}
      </ul>
      <label for="key-text">Public key (key record JSON, PEM or base64)</label>
      <textarea
        id="key-text"
        rows={3}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
      />
      <div class="key-actions">
        <button type="button" onClick={() => pin(text)}>
          Pin key
        </button>
        <label class="file">
          Load key file
          <input
            type="file"
            onChange={(e) => void (e.target as HTMLInputElement).files?.[0]?.text().then(pin)}
          />
        </label>
      </div>
      {problem && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
    </details>
  );
};

/** The verdict the page computed on the bundle, with the keys it rests on. */
export const ProofPanel = ({ verdict, running = false, pinned, onPin }: Props) => {
  const status = verdict?.integrity.verification_status ?? null;
  const verified = status === 'VERIFIED';
  return (
    <section
      class={`proof ${verified ? 'proof-ok' : status === null ? '' : 'proof-failed'}`}
      aria-label="Proof"
    >
      <h2>
        Proof in this page:{' '}
        <span
          class="verdict"
          data-verdict={verified ? 'VERIFIED' : status === null ? (running ? 'live' : 'pending') : 'FAILED'}
        >
          {status === null
            ? running
              ? 'LIVE (verified once sealed)'
              : 'verifying…'
            : verified
              ? 'VERIFIED'
              : 'FAILED'}
        </span>
      </h2>
      {verdict && !verified && <p class="reason">{verdict.integrity.failure_reason}</p>}
      {verdict && verified && (
        <p class="sub">
          {verdict.integrity.chain_length} events chained, Merkle root{' '}
          {verdict.integrity.merkle_root?.slice(0, 16)}…, sealed by key {verdict.seal.key_id} at ledger index{' '}
          {verdict.seal.ledger_index}, included in the signed tree head.
        </p>
      )}
      <KeyPinning pinned={pinned} onPin={onPin} />
    </section>
  );
};
