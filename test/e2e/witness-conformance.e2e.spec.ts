import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTlogCheckpoint, openNote } from '../../domain/proof/signed-note.js';
import {
  parseCosignerVerifierKey,
  verifyCosignatures,
  type Cosigner,
} from '../../domain/witness/cosignature.js';
import { killHard } from '../support/cli-process.js';
import { testLog } from '../support/test-log.js';
import {
  postCheckpoint,
  startWitness,
  witnessFiles,
  type WitnessFiles,
  type WitnessProcess,
} from '../support/witness-process.js';

/** `aos-int witness serve` driven over real HTTP on 127.0.0.1 through every answer C2SP
 * tlog-witness gives (200, 400, 403, 404, 409 with text/x.tlog.size, 422), and its state kept across
 * a `kill -9` right after it answered. */
describe('the witness, as a log and an attacker see it over HTTP', () => {
  const log = testLog('aos.runproof/tenant-witnessed', 'aos.runproof');
  const stranger = testLog('aos.runproof/tenant-witnessed', 'aos.runproof');
  const unknown = testLog('example.com/not-witnessed');
  let files: WitnessFiles;
  let witness: WitnessProcess;
  let cosigner: Cosigner;
  const running: WitnessProcess[] = [];

  const start = async (port = 0) => {
    const started = await startWitness(files, 'witness.test/w1', port);
    running.push(started);
    return started;
  };
  /** The cosignature lines answered verify with the witness key over the checkpoint's body. */
  const cosignedSize = (checkpoint: string, answer: string): number => {
    const body = checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);
    const lines = answer.split('\n').filter((l) => l !== '');
    const verified = verifyCosignatures(body, lines, [cosigner]);
    if (E.isLeft(verified) || verified.right.length !== 1) throw new Error(`not cosigned: ${answer}`);
    const parsed = parseTlogCheckpoint(body);
    return E.isRight(parsed) ? parsed.right.treeSize : -1;
  };

  beforeAll(async () => {
    files = await witnessFiles(`# tenant ledgers\nlog ${log.origin} ${log.verifierKey}\n`);
    witness = await start();
    const parsed = parseCosignerVerifierKey(witness.verifierKey);
    if (E.isLeft(parsed)) throw new Error(parsed.left);
    cosigner = parsed.right;
    expect(cosigner.name).toBe('witness.test/w1');
  });
  afterAll(() => {
    for (const w of running) w.child.kill('SIGKILL');
  });

  it('400 for a malformed body, or an old size above the checkpoint size', async () => {
    for (const body of [
      'hello',
      'old 01\n\n' + log.checkpoint(1),
      'old 0\nnot-base64\n\n' + log.checkpoint(1),
    ])
      expect((await postCheckpoint(witness.url, body)).status).toBe(400);
    expect((await postCheckpoint(witness.url, `old 5\n\n${log.checkpoint(3)}`)).status).toBe(400);
  });

  it('404 for an origin it does not witness, 403 for a checkpoint not signed by the log key', async () => {
    expect((await postCheckpoint(witness.url, unknown.body(0, 2))).status).toBe(404);
    expect((await postCheckpoint(witness.url, stranger.body(0, 2))).status).toBe(403);
  });

  it('200 with a cosignature/v1 line that verifies with the witness key, for a first checkpoint from old 0', async () => {
    const answer = await postCheckpoint(witness.url, log.body(0, 3));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toMatch(/^\u2014 witness\.test\/w1 [A-Za-z0-9+/=]+\n$/);
    expect(cosignedSize(log.checkpoint(3), answer.text)).toBe(3);
    // Appended to the log's note, the cosignature is one more signature line: the note still opens
    // with the log key, the cosignature among the lines it does not know.
    const opened = openNote(`${log.checkpoint(3)}${answer.text}`, [log.noteKey]);
    expect(E.isRight(opened) && opened.right.unverified.map((s) => s.name)).toEqual(['witness.test/w1']);
  });

  it('409 with the size it holds as text/x.tlog.size when old is not that size; 409 for the same size with another root', async () => {
    const stale = await postCheckpoint(witness.url, log.body(0, 5));
    expect(stale).toEqual({ status: 409, type: 'text/x.tlog.size', text: '3\n' });
    const fork = log.fork(1);
    const sameSize = await postCheckpoint(witness.url, fork.body(3, 3));
    expect(sameSize).toMatchObject({ status: 409, type: 'text/x.tlog.size', text: '3\n' });
  });

  it('422 for a consistency proof that does not verify: a fork of the history it cosigned', async () => {
    const fork = log.fork(2);
    expect((await postCheckpoint(witness.url, fork.body(3, 5))).status).toBe(422);
    // Of a well-formed proof one hash changed.
    const [oldLine = '', first = '', ...rest] = log.body(3, 5).split('\n');
    const changed = `${first.startsWith('A') ? 'B' : 'A'}${first.slice(1)}`;
    expect((await postCheckpoint(witness.url, [oldLine, changed, ...rest].join('\n'))).status).toBe(422);
  });

  it('keeps its state across kill -9 right after answering: the next checkpoint is checked against the one it cosigned', async () => {
    const answer = await postCheckpoint(witness.url, log.body(3, 5));
    expect(answer.status, answer.text).toBe(200);
    await killHard(witness);
    expect(await readdir(join(files.directory, 'state'))).toHaveLength(1);
    witness = await start();
    expect(await postCheckpoint(witness.url, log.body(3, 7))).toMatchObject({ status: 409, text: '5\n' });
    expect((await postCheckpoint(witness.url, log.fork(4).body(5, 7))).status).toBe(422);
    const next = await postCheckpoint(witness.url, log.body(5, 7));
    expect(next.status, next.text).toBe(200);
    expect(cosignedSize(log.checkpoint(7), next.text)).toBe(7);
  });
});
