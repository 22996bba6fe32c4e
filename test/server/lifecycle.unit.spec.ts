import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createLifecycle } from '../../server/lifecycle.js';
import { parseListenAddress } from '../../server/listen-address.js';

describe('the server lifecycle', () => {
  it('is not ready while starting, ready once the database is open, not ready from the stop on', async () => {
    const lifecycle = createLifecycle();
    expect(await lifecycle.readiness()).toMatchObject({
      ready: false,
      reason: expect.stringContaining('starting'),
    });
    lifecycle.markReady(async () => undefined);
    expect(await lifecycle.readiness()).toEqual({ ready: true });
    lifecycle.requestStop('SIGTERM');
    expect(await lifecycle.stopRequested).toBe('SIGTERM');
    expect(await lifecycle.readiness()).toEqual({ ready: false, reason: 'shutting down' });
  });

  it('is not ready while the probe fails', async () => {
    const lifecycle = createLifecycle();
    lifecycle.markReady(async () => {
      throw new Error('connection refused');
    });
    expect(await lifecycle.readiness()).toEqual({ ready: false, reason: 'database: connection refused' });
  });

  it('stays stopping when the database opens after a stop was requested', async () => {
    const lifecycle = createLifecycle();
    lifecycle.requestStop('SIGINT');
    lifecycle.markReady(async () => undefined);
    expect(lifecycle.state()).toBe('stopping');
  });

  it('runs the shutdown hooks last added first, and a failing one does not stop the others', async () => {
    const lifecycle = createLifecycle();
    const ran: string[] = [];
    lifecycle.onShutdown({ name: 'first', run: async () => void ran.push('first') });
    lifecycle.onShutdown({
      name: 'broken',
      run: async () => {
        throw new Error('boom');
      },
    });
    lifecycle.onShutdown({ name: 'last', run: async () => void ran.push('last') });
    const failures: string[] = [];
    await lifecycle.runShutdownHooks((hook, error) => failures.push(`${hook}: ${(error as Error).message}`));
    expect(ran).toEqual(['last', 'first']);
    expect(failures).toEqual(['broken: boom']);
  });
});

describe('--listen HOST:PORT', () => {
  it.each([
    ['127.0.0.1:4318', { host: '127.0.0.1', port: 4318 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
    ['[::1]:4318', { host: '::1', port: 4318 }],
  ])('decodes %j', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(E.right(expected));
  });

  it.each([
    '',
    '4318',
    '127.0.0.1',
    '127.0.0.1:',
    '256.0.0.1:80',
    '127.0.0.1:70000',
    'host.example:80',
    '::1:80',
    '[]:80',
    '[127.0.0.1]:80',
    '127.0.0.1:080000',
  ])('refuses %j', (value) => {
    expect(E.isLeft(parseListenAddress(value))).toBe(true);
  });
});
