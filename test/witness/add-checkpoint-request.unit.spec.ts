import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  addCheckpointRequestBody,
  parseAddCheckpointRequest,
} from '../../domain/witness/add-checkpoint-request.js';

/** The example request body of C2SP tlog-witness, and bodies it calls malformed. */
const CHECKPOINT = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;
const PROOF = [
  'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=',
  'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
  '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=',
  '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
];
const EXAMPLE = `old 20852014\n${PROOF.join('\n')}\n\n${CHECKPOINT}`;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('the add-checkpoint request body', () => {
  it('parses the C2SP example: old size, four proof hashes, the checkpoint note; and writes it back', () => {
    const parsed = parseAddCheckpointRequest(bytes(EXAMPLE));
    if (E.isLeft(parsed)) throw new Error(parsed.left);
    expect(parsed.right.oldSize).toBe(20852014);
    expect(parsed.right.proof.map((h) => Buffer.from(h).toString('base64'))).toEqual(PROOF);
    expect(parsed.right.checkpoint).toBe(CHECKPOINT);
    expect(addCheckpointRequestBody(parsed.right)).toBe(EXAMPLE);
  });

  it('takes old 0 with no proof lines', () => {
    expect(parseAddCheckpointRequest(bytes(`old 0\n\n${CHECKPOINT}`))).toMatchObject(
      E.right({ oldSize: 0, proof: [] }),
    );
  });

  it.each([
    ['no empty line', 'old 0\n'],
    ['a leading zero', `old 05\n\n${CHECKPOINT}`],
    ['no old line', `${PROOF[0]}\n\n${CHECKPOINT}`],
    ['a proof line that is not a hash', `old 5\nAAAA\n\n${CHECKPOINT}`],
    ['64 proof lines', `old 5\n${Array(64).fill(PROOF[0]).join('\n')}\n\n${CHECKPOINT}`],
  ])('refuses %s', (_name, body) => {
    expect(E.isLeft(parseAddCheckpointRequest(bytes(body)))).toBe(true);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(parseAddCheckpointRequest(Uint8Array.of(0x6f, 0x6c, 0x64, 0xff))).toEqual(
      E.left('the body is not UTF-8 text'),
    );
  });
});
