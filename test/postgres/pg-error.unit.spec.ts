import { describe, expect, it } from 'vitest';
import { isDatabaseFailure, storeErrorOf } from '../../adapters/postgres/pg-error.js';

const withCode = (error: Error, code: string): Error => Object.assign(error, { code });

describe('isDatabaseFailure', () => {
  // The errors of the database and of the connection are the store's; a defect of the code stays a defect.
  it.each([
    [
      'a Postgres error with its SQLSTATE (admin shutdown)',
      withCode(new Error('terminating connection due to administrator command'), '57P01'),
      true,
    ],
    ['a lock timeout', withCode(new Error('canceling statement due to lock timeout'), '55P03'), true],
    ['a socket error', withCode(new Error('read ECONNRESET'), 'ECONNRESET'), true],
    ['the connection ended under a query', new Error('Connection terminated unexpectedly'), true],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect'), true],
    ['a query that outlived query_timeout', new Error('Query read timeout'), true],
    [
      'a TLS error of the connection',
      withCode(new Error('wrong version number'), 'ERR_SSL_WRONG_VERSION_NUMBER'),
      true,
    ],
    ['every address refused', new AggregateError([new Error('connect ECONNREFUSED')]), true],
    ['a TypeError of the code', new TypeError("Cannot read properties of undefined (reading 'seq')"), false],
    [
      'a Node argument error',
      withCode(new TypeError('The "data" argument must be of type string'), 'ERR_INVALID_ARG_TYPE'),
      false,
    ],
    ['a plain Error', new Error('boom'), false],
    ['a thrown string', 'Connection terminated', false],
  ])('%s', (_name, error, expected) => {
    expect(isDatabaseFailure(error)).toBe(expected);
  });
});

describe('storeErrorOf', () => {
  // A lost or refused connection is the store being unavailable, whether node-pg saw the server's
  // SQLSTATE first or only the socket closing.
  it.each([
    [
      'admin shutdown (57P01)',
      withCode(new Error('terminating connection due to administrator command'), '57P01'),
    ],
    ['the connection ended under a query', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['every address refused', new AggregateError([new Error('connect ECONNREFUSED')])],
  ])('%s is store_unavailable', (_name, error) => {
    expect(storeErrorOf(error).kind).toBe('store_unavailable');
  });

  it('keeps a statement the database refused as store_failed', () => {
    expect(storeErrorOf(withCode(new Error('canceling statement due to lock timeout'), '55P03')).kind).toBe(
      'store_failed',
    );
  });
});
