import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../domain/proof/sha256.js';
import { openNote, parseTlogCheckpoint, tlogCheckpointBody } from '../../domain/proof/signed-note.js';
import { left, peter, right } from './signed-note-fixtures.js';

// The C2SP tlog-checkpoint body (https://c2sp.org/tlog-checkpoint): the C2SP spec examples, and Go's
// tree vectors formatted, parsed and refused.

describe('C2SP spec examples', () => {
  it('splits at the last blank line (signed-note example)', () => {
    const body =
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    const note = `${body}\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n`;
    expect(left(openNote(note, [peter]))).toMatchObject({ kind: 'unverified_note', body });
  });

  it('parses the tlog-checkpoint example body', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const cp = right(parseTlogCheckpoint(body));
    expect(cp).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163, extensions: [] });
    expect(right(tlogCheckpointBody(cp.origin, cp.treeSize, cp.rootHash))).toBe(body);
  });
});

describe('tlog-checkpoint body', () => {
  // golang.org/x/mod sumdb/tlog/note_test.go TestFormatTree: RecordHash("hello world") = SHA-256(0x00 || data)
  const goldHash = sha256(Uint8Array.of(0), Buffer.from('hello world'));
  const golden = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

  it('formats and parses the Go tree vector', () => {
    expect(right(tlogCheckpointBody('go.sum database tree', 123456789012, goldHash))).toBe(golden);
    expect(right(parseTlogCheckpoint(golden))).toEqual({
      origin: 'go.sum database tree',
      treeSize: 123456789012,
      rootHash: goldHash,
      extensions: [],
    });
  });

  it('round trips extension lines and size 0', () => {
    const body = right(tlogCheckpointBody('example.com/log', 0, goldHash, ['ext one', 'ext two']));
    expect(body).toBe(`example.com/log\n0\n${Buffer.from(goldHash).toString('base64')}\next one\next two\n`);
    expect(right(parseTlogCheckpoint(body))).toMatchObject({
      treeSize: 0,
      extensions: ['ext one', 'ext two'],
    });
    expect(right(parseTlogCheckpoint(golden + 'JOE\n')).extensions).toEqual(['JOE']);
  });

  it.each([
    [
      'hex size (Go vector)',
      'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    ],
    [
      'root too long (Go vector)',
      'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
    ],
    ['leading zero', 'o\n012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['negative size', 'o\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['unsafe integer size', 'o\n9007199254740993\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['root 31 bytes', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['root not base64', 'o\n1\nnot base64!\n'],
    ['missing root line', 'o\n1\n'],
    ['missing size and root', 'o\n'],
    ['empty origin', '\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'],
    ['no final newline', golden + 'JOE'],
    ['empty extension line', golden + '\nJOE\n'],
    ['empty body', ''],
  ])('rejects a malformed body: %s', (_label, body) => {
    expect(left(parseTlogCheckpoint(body)).kind).toBe('malformed_checkpoint');
  });

  it('refuses to format invalid values', () => {
    expect(E.isLeft(tlogCheckpointBody('', 1, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o\nx', 1, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o', -1, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o', 1.5, goldHash))).toBe(true);
    expect(E.isLeft(tlogCheckpointBody('o', 1, goldHash.slice(1)))).toBe(true);
  });
});
