import * as t from 'io-ts';
import { stringUpTo } from '../../domain/json/bounded-codecs.js';
import { closedObject } from '../../domain/json/closed-object.js';

export const MAX_MESSAGE = 10_000;

const MessageC = stringUpTo('Message', MAX_MESSAGE);

export const EchoParamsC = closedObject('EchoParams', { message: MessageC });
export type EchoParams = t.TypeOf<typeof EchoParamsC>;

export const echoParamsDoc = { message: `string, at most ${MAX_MESSAGE} characters` };
