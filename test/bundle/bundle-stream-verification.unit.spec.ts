import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamBundleFile } from '../../cli/verify-bundle-stream.js';
import { verifyBundle } from '../../domain/bundle/bundle-verification.js';
import { jsonDepthExcess, MAX_JSON_DEPTH, RECORD_ENVELOPE_DEPTH } from '../../domain/json/json-depth.js';
import { copyOf, generateTestKey, sampleBundle, type TestKey } from './sample-bundle.js';

/** Issue 17 part 8: `aos verify` streams a bundle file, and the verdict is the one the whole
 * document gets (verifyBundle after JSON.parse and the depth check), for valid, tampered, malformed
 * and oddly ordered bundles alike. */
type Doc = Record<string, unknown> & { events: Record<string, unknown>[] };
const deep = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: [value] };
  return value;
};
const reordered = (doc: Doc, first: string[]): Doc =>
  Object.fromEntries([
    ...first.map((k) => [k, doc[k]]),
    ...Object.entries(doc).filter(([k]) => !first.includes(k)),
  ]) as Doc;

const VARIANTS: readonly [string, (d: Doc) => unknown][] = [
  ['as exported', (d) => d],
  ['an event link changed', (d) => ((d.events[2]!.link = '0'.repeat(64)), d)],
  ['an event removed', (d) => (d.events.splice(3, 1), d)],
  ['the last event removed', (d) => (d.events.pop(), d)],
  ['no events', (d) => ((d.events = []), d)],
  ['an unknown top-level field', (d) => ({ ...d, extra: 1 })],
  ['an unknown field before the events', (d) => reordered({ ...d, extra: 1 }, ['format', 'extra'])],
  ['an unknown field in an event', (d) => ((d.events[1]!.extra = 1), d)],
  ['an event seq that is a string', (d) => ((d.events[1]!.seq = '1'), d)],
  ['an event error and a bad integrity', (d) => ((d.events[1]!.seq = '1'), (d.integrity = 3), d)],
  ['an event error and a bad run_id', (d) => ((d.events[1]!.seq = '1'), (d.run_id = 3), d)],
  ['format missing', (d) => (delete d.format, d)],
  ['events not an array', (d) => ({ ...d, events: { a: 1 } })],
  ['events missing', (d) => ({ ...d, events: undefined })],
  ['the events before the ids', (d) => reordered(d, ['events'])],
  ['the events before the ids, one changed', (d) => reordered(((d.events[1]!.type = 'X'), d), ['events'])],
  ['no seal', (d) => ({ ...d, checkpoint: null, signature: null, ledger: null })],
  [
    'the integrity claims another root',
    (d) => ({ ...d, integrity: { ...(d.integrity as object), root_hash: 'f'.repeat(64) } }),
  ],
  [
    'an event nested too deep',
    (d) => ((d.events[2]!.data = { x: deep(MAX_JSON_DEPTH + RECORD_ENVELOPE_DEPTH) }), d),
  ],
  ['the ledger nested too deep', (d) => ({ ...d, ledger: deep(MAX_JSON_DEPTH + RECORD_ENVELOPE_DEPTH) })],
];

describe('streaming verification gives the verdict of the whole document', () => {
  let key: TestKey;
  let directory: string;
  beforeAll(async () => {
    key = generateTestKey();
    directory = await mkdtemp(join(tmpdir(), 'aos-stream-'));
  });

  it.each(VARIANTS)('%s', async (name, edit) => {
    const text = JSON.stringify(edit(copyOf(sampleBundle(key)) as unknown as Doc), null, 1);
    const file = join(directory, `${name.replaceAll(' ', '-')}.json`);
    await writeFile(file, text);
    const document = JSON.parse(text) as unknown;
    const excess = jsonDepthExcess(document, MAX_JSON_DEPTH + RECORD_ENVELOPE_DEPTH);
    const whole =
      excess === null
        ? { kind: 'verdict', verdict: verifyBundle(document, [key.raw]) }
        : { kind: 'too_deep', excess };
    const streamed = streamBundleFile(file, Number.MAX_SAFE_INTEGER);
    expect(streamed.kind).toBe('streamed');
    if (streamed.kind !== 'streamed') return;
    const outcome = streamed.bundle.result([key.raw]);
    expect(outcome.kind === 'verdict' ? { kind: 'verdict', verdict: outcome.verdict } : outcome).toEqual(
      whole,
    );
  });

  it.each<[string, (text: string) => string]>([
    [
      'a second events member replaces the first',
      (t) => t.replace('"events":', '"events":[{"seq":0}],"events":'),
    ],
    [
      'events split in two members',
      (t) => {
        const first = JSON.stringify((JSON.parse(t) as Doc).events[0]);
        return t.replace(`"events":[${first},`, `"events":[${first}],"events":[`);
      },
    ],
  ])('%s, as JSON.parse keeps the last', async (name, edit) => {
    const text = edit(JSON.stringify(sampleBundle(key)));
    const file = join(directory, `${name.replaceAll(' ', '-')}.json`);
    await writeFile(file, text);
    const streamed = streamBundleFile(file, Number.MAX_SAFE_INTEGER);
    if (streamed.kind !== 'streamed') throw new Error('not streamed');
    const outcome = streamed.bundle.result([key.raw]);
    expect(outcome.kind === 'verdict' && outcome.verdict).toEqual(verifyBundle(JSON.parse(text), [key.raw]));
  });

  it('a tree head, broken JSON or JSON that is not an object is read whole', async () => {
    for (const [name, text] of [
      ['note', 'aos.runproof/acme\n1\nAAAA\n\n— aos.runproof AAAA\n'],
      ['broken', '{"format": "aos.runproof.bundle.v1", "events": ['],
      ['trailing', '{"format": 1} x'],
      ['array', '[1, 2]'],
    ] as const) {
      const file = join(directory, `${name}.txt`);
      await writeFile(file, text);
      expect(streamBundleFile(file, 1_000_000).kind, name).toBe('whole');
    }
  });
});
