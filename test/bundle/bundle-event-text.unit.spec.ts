import { describe, expect, it } from 'vitest';
import { bundleEventText, writtenDataText } from '../../domain/bundle/bundle-event-text.js';

/** `aos serve` writes each event of a streamed bundle with its data as the stored JCS text
 * (bundleEventText); the page reads that text back from the event's line (writtenDataText) to hash
 * it in place of JCS(data). */
const parts = {
  seq: 7,
  type: 'StepExecuted',
  dataText: '{"a":[1,2,{"b":"\\"x\\""}],"z":"é ✓"}',
  recorded_at: '2026-01-01T00:00:00.000Z',
  link: 'ab'.repeat(32),
};

describe("a streamed bundle's event text", () => {
  it("is the event's JSON in aos export's member order, its data the given text", () => {
    const text = bundleEventText(parts);
    const { dataText, ...envelope } = parts;
    const event = { seq: envelope.seq, type: envelope.type, data: JSON.parse(dataText) as unknown };
    expect(text).toBe(JSON.stringify({ ...event, recorded_at: parts.recorded_at, link: parts.link }));
    expect(bundleEventText({ ...parts, link: null })).toBe(
      JSON.stringify({ ...event, recorded_at: parts.recorded_at, link: null }),
    );
  });

  it("gives back the data's text from the line, for a link or none", () => {
    for (const link of [parts.link, null]) {
      const text = bundleEventText({ ...parts, link });
      expect(writtenDataText(text, JSON.parse(text))).toBe(parts.dataText);
    }
  });

  it('gives nothing for a line laid out otherwise or an event that does not match it', () => {
    const text = bundleEventText(parts);
    const event = JSON.parse(text) as Record<string, unknown>;
    const otherwise = [
      JSON.stringify(event, null, 1),
      JSON.stringify({ data: event.data, ...event }), // data first
      JSON.stringify({ ...event, extra: 1 }),
      text.replace('"seq":7', '"seq":7.0'),
    ];
    for (const line of otherwise) expect(writtenDataText(line, JSON.parse(line))).toBeNull();
    // The envelope read from the line is another event's: its members are not the line's.
    expect(writtenDataText(text, { ...event, seq: 8 })).toBeNull();
    expect(writtenDataText(text, { ...event, link: null })).toBeNull();
    for (const notAnEvent of [null, 7, 'x', { ...event, seq: '7' }, { ...event, link: 1 }])
      expect(writtenDataText(text, notAnEvent)).toBeNull();
  });
});
