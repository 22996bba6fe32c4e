import * as t from 'io-ts';
import { closedObject } from '../../domain/json/closed-object.js';

export const MAX_MESSAGE = 10_000;

const MessageC = new t.Type<string, string, unknown>(
  'Message',
  (u): u is string => typeof u === 'string' && u.length <= MAX_MESSAGE,
  (u, c) =>
    typeof u !== 'string'
      ? t.failure(u, c, 'expected a string')
      : u.length > MAX_MESSAGE
        ? t.failure(u, c, `must be at most ${MAX_MESSAGE} characters (got ${u.length})`)
        : t.success(u),
  t.identity,
);

export const EchoParamsC = closedObject('EchoParams', { message: MessageC });
export type EchoParams = t.TypeOf<typeof EchoParamsC>;

export const echoParamsDoc = { message: `string, at most ${MAX_MESSAGE} characters` };
