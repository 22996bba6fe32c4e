import * as t from 'io-ts';
import { intBetween, patternString } from '../json/bounded-codecs.js';
import { closedObject } from '../json/closed-object.js';

/** What a witness keeps of one log: the latest checkpoint it cosigned (size, root, the note as
 * received). One record per origin, read back with this codec after a restart. */
export const WitnessStateC = closedObject('WitnessState', {
  origin: t.string,
  size: intBetween(0, Number.MAX_SAFE_INTEGER),
  root_hash: patternString('RootHash', /^[0-9a-f]{64}$/, '64 lowercase hex digits'),
  checkpoint: t.string,
});
export type WitnessState = t.TypeOf<typeof WitnessStateC>;
