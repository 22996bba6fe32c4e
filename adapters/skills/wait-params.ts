import * as t from 'io-ts';
import { intBetween } from '../../domain/json/bounded-codecs.js';
import { closedObject } from '../../domain/json/closed-object.js';

export const MAX_WAIT_MS = 600_000;

export const WaitParamsC = closedObject('WaitParams', { ms: intBetween(0, MAX_WAIT_MS) });
export type WaitParams = t.TypeOf<typeof WaitParamsC>;

export const waitParamsDoc = {
  ms: `integer 0..${MAX_WAIT_MS} (10 minutes): how long to wait, in milliseconds; the step's timeout still applies`,
};

export const waitIdempotentDoc = 'always';
