import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseConfiguredWitnesses } from '../../domain/witness/configured-witnesses.js';
import { parseWitnessedLogs } from '../../domain/witness/witnessed-logs.js';
import { enochVkey, peterVkey } from '../proof/signed-note-fixtures.js';

/** The witness's --logs file and the log's AOS_WITNESSES_FILE: what they take, and the line named
 * in what they refuse. */
const REMORA = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';

describe("the witness's --logs file", () => {
  it('takes one line per log key, comments and empty lines skipped; a log with two keys has two lines', () => {
    const logs = parseWitnessedLogs(
      `# logs\n\nlog aos.runproof/a ${peterVkey}\nlog aos.runproof/a ${enochVkey}\nlog b ${peterVkey}\n`,
    );
    if (E.isLeft(logs)) throw new Error(logs.left);
    expect([...logs.right.keys()]).toEqual(['aos.runproof/a', 'b']);
    expect(logs.right.get('aos.runproof/a')?.map((k) => k.name)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it.each([
    ['a line that is not a log line', `log a\n`, 'line 1'],
    [
      'a key whose hash does not match',
      `log a PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n`,
      'line 1',
    ],
    ['no log at all', '# nothing\n', 'no log is listed'],
  ])('refuses %s', (_name, text, message) => {
    const logs = parseWitnessedLogs(text);
    expect(E.isLeft(logs) && logs.left).toContain(message);
  });
});

describe("the log's witnesses file", () => {
  it('takes witness lines with a cosignature key and an http(s) URL (a trailing slash dropped)', () => {
    const witnesses = parseConfiguredWitnesses(`witness r ${REMORA} https://remora.example/\n`);
    expect(witnesses).toMatchObject(
      E.right([{ name: 'r', url: 'https://remora.example', cosigner: { name: 'remora.n621.de' } }]),
    );
  });

  it.each([
    ['no URL', `witness r ${REMORA}\n`],
    ['a note key instead of a cosignature key', `witness r ${peterVkey} http://x\n`],
    ['a name listed twice', `witness r ${REMORA} http://x\nwitness r ${REMORA} http://y\n`],
  ])('refuses %s, naming the line', (_name, text) => {
    const witnesses = parseConfiguredWitnesses(text);
    expect(E.isLeft(witnesses) && witnesses.left).toMatch(/^line \d: /);
  });
});
