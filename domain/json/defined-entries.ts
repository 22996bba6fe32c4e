/** The entries whose value is defined: a field absent from the source is left out, never written
 * as null or undefined. */
export const definedEntries = <V>(entries: Readonly<Record<string, V | undefined>>): Record<string, V> =>
  Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, V] => entry[1] !== undefined));
