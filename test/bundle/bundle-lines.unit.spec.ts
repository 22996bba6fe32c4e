import { describe, expect, it } from 'vitest';
import { createBundleLines } from '../../console/proof/bundle-lines.js';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { genesisLink, nextLink } from '../../domain/proof/hash-chain.js';
import { leafHash } from '../../domain/proof/leaf.js';
import { toHex } from '../../domain/proof/sha256.js';
import { provedBundleStream } from '../../server/console/bundle-stream.js';
import { copyOf, generateTestKey, sampleBundle } from './sample-bundle.js';

/** The run page verifies the bundle as it downloads (console/proof/bundle-lines.ts): its verdict is
 * the one the whole document gets from verifyBundle, for the layout `aos serve` streams and for any
 * other (read whole), valid, tampered or malformed. */
type Doc = Record<string, unknown> & { events: Record<string, unknown>[] };
const key = generateTestKey();

const VARIANTS: readonly [string, (d: Doc) => unknown][] = [
  ['as exported', (d) => d],
  ['an event link changed', (d) => ((d.events[2]!.link = '0'.repeat(64)), d)],
  ['an event data changed', (d) => ((d.events[1]!.data = { changed: true }), d)],
  // The page hashes the data's text as written first: written otherwise than JCS, JCS decides.
  [
    'an event data written with its keys reversed',
    (d) => ((d.events[0]!.data = reversedKeys(d.events[0]!.data)), d),
  ],
  [
    'an event data with a nested value changed',
    (d) => ((d.events[0]!.data = changedGoal(d.events[0]!.data)), d),
  ],
  // Links made over the written text, which is not JCS(data): only a trusted seal vouches for links.
  [
    'links made over data written otherwise, unsealed',
    (d) => unsealed(relinkedOverWritten(withReversedData(d))),
  ],
  ['links made over data written otherwise, the seal kept', (d) => relinkedOverWritten(withReversedData(d))],
  [
    'an event with its members in another order',
    (d) => ((d.events[1] = { link: d.events[1]!.link, ...d.events[1] }), d),
  ],
  ['an event removed', (d) => (d.events.splice(3, 1), d)],
  ['no events', (d) => ((d.events = []), d)],
  ['an unknown top-level field', (d) => ({ ...d, extra: 1 })],
  ['an unknown field in an event', (d) => ((d.events[1]!.extra = 1), d)],
  ['an event seq that is a string', (d) => ((d.events[1]!.seq = '1'), d)],
  ['no seal', (d) => ({ ...d, checkpoint: null, signature: null, ledger: null })],
  [
    'the integrity claims another root',
    (d) => ({ ...d, integrity: { ...(d.integrity as object), root_hash: 'f'.repeat(64) } }),
  ],
];

const withReversedData = (d: Doc): Doc => ((d.events[0]!.data = reversedKeys(d.events[0]!.data)), d);
const unsealed = (d: Doc) => ({ ...d, checkpoint: null, signature: null, ledger: null });
/** The document's links recomputed over each event's data as JSON.stringify writes it. */
const relinkedOverWritten = (d: Doc): Doc => {
  const [tenant, run] = [String(d.tenant_id), String(d.run_id)];
  let link = genesisLink(tenant, run);
  for (const e of d.events) {
    const leaf = leafHash({
      tenant_id: tenant,
      run_id: run,
      seq: Number(e.seq),
      type: String(e.type),
      dataCanonical: JSON.stringify(e.data),
      recorded_at: String(e.recorded_at),
    });
    link = nextLink(link, leaf);
    e.link = toHex(link);
  }
  return d;
};
const reversedKeys = (value: unknown): unknown =>
  Object.fromEntries(Object.entries(value as object).reverse());
const changedGoal = (value: unknown): unknown => ({ ...(value as object), goal: 'another goal' });

/** The document as `aos serve` streams it (server/console/bundle-stream.ts). */
const served = async (doc: Doc): Promise<string> => {
  const { events, ...rest } = doc;
  async function* pages() {
    yield events.slice(0, 2) as never[];
    yield events.slice(2) as never[];
    return null;
  }
  const chunks: string[] = [];
  for await (const chunk of provedBundleStream(rest, pages())) chunks.push(String(chunk));
  return chunks.join('');
};

/** The verdict the page gives `text` handed over in pieces of `size` characters. */
const inPage = (text: string, size: number) => {
  const lines = createBundleLines();
  for (let at = 0; at < text.length; at += size) lines.write(text.slice(at, at + size));
  const read = lines.end();
  const framedVerdict = read.verdict([key.raw]);
  const whole = () => {
    try {
      return verifyBundle(JSON.parse(read.text()), [key.raw]);
    } catch {
      return null; // not JSON: the page says so (its problem, status 0)
    }
  };
  const verdict = framedVerdict ?? whole();
  return { framed: read.framed, verdict, events: read.events.length };
};

describe('the page verifies the bundle as it downloads, with the whole document verdict', () => {
  it.each(VARIANTS)('%s', async (_name, edit) => {
    const doc = edit(copyOf(sampleBundle(key)) as unknown as Doc) as Doc;
    const whole = verifyBundle(JSON.parse(JSON.stringify(doc)), [key.raw]);
    const text = await served(doc);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(doc)));
    for (const size of [7, 100, text.length]) {
      const page = inPage(text, size);
      expect(page.verdict).toEqual(whole);
      expect(page.framed).toBe(doc.events.length > 0); // no events: one line, read whole
    }
  });

  it('reads a bundle laid out otherwise whole, with the same verdict', () => {
    const doc = copyOf(sampleBundle(key)) as unknown as Doc;
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 1), `${JSON.stringify(doc)}x`]) {
      const page = inPage(text, 50);
      expect(page.framed).toBe(false);
      expect(page.verdict).toEqual(text.endsWith('x') ? null : verifyBundle(doc, [key.raw]));
    }
  });

  it('hands the verifier every event of the streamed layout', async () => {
    const doc = copyOf(sampleBundle(key)) as unknown as Doc;
    const page = inPage(await served(doc), 64);
    expect(page).toMatchObject({ framed: true, events: doc.events.length });
    expect(page.verdict?.integrity.verification_status).toBe('VERIFIED');
  });

  it('verifies data written otherwise than JCS by JCS, and fails an edit at its event', async () => {
    const doc = copyOf(sampleBundle(key)) as unknown as Doc;
    doc.events[0]!.data = reversedKeys(doc.events[0]!.data);
    expect(JSON.stringify(doc.events[0]!.data)).not.toBe(JSON.stringify(sampleBundle(key).events[0]!.data));
    expect(inPage(await served(doc), 64).verdict?.integrity.verification_status).toBe('VERIFIED');
    doc.events[0]!.data = changedGoal(doc.events[0]!.data);
    expect(inPage(await served(doc), 64).verdict?.integrity.divergence).toMatchObject({
      seq: 0,
      field: 'link',
    });
  });

  it('reads whole a streamed bundle whose last line names the run again', async () => {
    const doc = copyOf(sampleBundle(key)) as unknown as Doc;
    const text = (await served(doc)).replace('\n],', '\n],"run_id":"other",');
    const page = inPage(text, 64);
    expect(page.framed).toBe(false);
    expect(page.verdict).toEqual(verifyBundle(JSON.parse(text), [key.raw]));
    expect(page.verdict?.integrity.verification_status).toBe('FAILED');
  });
});
