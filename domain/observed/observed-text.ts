import { unsafeTextCharacter } from '../json/control-characters.js';

/**
 * Text from a trace made fit for the one-line fields of a run (its goal, its agent's name, its
 * origin system): an agent's span is not held to those fields' rules, so its text is adapted, never
 * refused. The exact text stays in the run's RunObserved attributes.
 */

/** One line of at most `max` characters: every control, bidi control or separator becomes a space;
 * blank gives `fallback`. */
export const oneLineText = (text: string, max: number, fallback: string): string => {
  let line = text;
  for (let unsafe = unsafeTextCharacter(line); unsafe !== null; unsafe = unsafeTextCharacter(line))
    line = `${line.slice(0, unsafe.index)} ${line.slice(unsafe.index + 1)}`;
  // Cut at `max` without leaving half of a surrogate pair behind.
  const cut = line
    .trim()
    .slice(0, max)
    .replace(/[\uD800-\uDBFF]$/, '');
  const trimmed = cut.trim();
  return trimmed === '' ? fallback : trimmed;
};

/** A goal: one line without "{{" (template syntax, reserved for plan templates). */
export const goalText = (text: string, fallback: string): string =>
  oneLineText(text.replaceAll('{{', '{ {'), 4000, fallback);

const ID_CHARACTERS = /[^A-Za-z0-9._:-]/g;

/** An id (origin system): letters, digits, ".", "_", ":" and "-", other characters as "-",
 * starting with a letter or digit, at most 64; `fallback` when nothing is left. */
export const idText = (text: string, fallback: string): string => {
  const id = text
    .replace(ID_CHARACTERS, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return id === '' ? fallback : id;
};
