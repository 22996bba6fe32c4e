/** A bundle event's members, with its data as the text to write (the stored JCS bytes). */
export type BundleEventParts = {
  readonly seq: number;
  readonly type: string;
  readonly dataText: string;
  readonly recorded_at: string;
  readonly link: string | null;
};

const prefixOf = (seq: number, type: string): string =>
  `{"seq":${seq},"type":${JSON.stringify(type)},"data":`;

const suffixOf = (recordedAt: string, link: string | null): string =>
  `,"recorded_at":${JSON.stringify(recordedAt)},"link":${JSON.stringify(link)}}`;

/**
 * One event of a bundle as `aos serve` writes it (the members in the order of `aos export`'s
 * JSON.stringify), its data written as the stored JCS text itself: not parsed to be serialized
 * again, and the same value when read back.
 */
export const bundleEventText = (e: BundleEventParts): string =>
  prefixOf(e.seq, e.type) + e.dataText + suffixOf(e.recorded_at, e.link);

/**
 * The text a document wrote for an event's data, when the event's text has bundleEventText's layout
 * around it (else null): the members before and after `data` are rebuilt from the parsed event and
 * must be that text's start and end exactly. A verifier may hash this text in place of JCS(data),
 * and JCS(data) when it does not give the stored link. Under a seal signed by a trusted key, a
 * matching link means the text is the sealed JCS(data) (SHA-256 resists collisions), and, a JSON
 * value ending where its text ends, the parsed data is that text's value: a VERIFIED verdict is the
 * whole document's. Links are not secret: anyone can make them over another text, so any other
 * verdict must be computed again from JCS(data) (docs/RUNPROOF-FORMAT.md section 9).
 */
export const writtenDataText = (text: string, event: unknown): string | null => {
  if (typeof event !== 'object' || event === null) return null;
  const { seq, type, recorded_at, link } = event as Record<string, unknown>;
  if (typeof seq !== 'number' || typeof type !== 'string' || typeof recorded_at !== 'string') return null;
  if (typeof link !== 'string' && link !== null) return null;
  const prefix = prefixOf(seq, type);
  const suffix = suffixOf(recorded_at, link);
  if (text.length <= prefix.length + suffix.length || !text.startsWith(prefix) || !text.endsWith(suffix))
    return null;
  return text.slice(prefix.length, text.length - suffix.length);
};
