import { describe, expect, it } from 'vitest';
import { idleSecondsOf } from '../../adapters/postgres/embedded/idle-setting.js';

describe('AOS_DB_IDLE_SECONDS', () => {
  it('defaults to ten minutes when unset or empty', () => {
    expect(idleSecondsOf({})).toEqual({ _tag: 'Right', right: 600 });
    expect(idleSecondsOf({ AOS_DB_IDLE_SECONDS: ' ' })).toEqual({ _tag: 'Right', right: 600 });
  });

  it('takes whole seconds from 0 (stop after each command) to 2000000', () => {
    expect(idleSecondsOf({ AOS_DB_IDLE_SECONDS: '0' })).toEqual({ _tag: 'Right', right: 0 });
    expect(idleSecondsOf({ AOS_DB_IDLE_SECONDS: '45' })).toEqual({ _tag: 'Right', right: 45 });
    expect(idleSecondsOf({ AOS_DB_IDLE_SECONDS: '2000000' })).toEqual({ _tag: 'Right', right: 2_000_000 });
  });

  it.each(['-1', '1.5', '10m', '2000001', '1e3', 'never'])('refuses %j, saying what it takes', (value) => {
    const parsed = idleSecondsOf({ AOS_DB_IDLE_SECONDS: value });
    expect(parsed._tag).toBe('Left');
    if (parsed._tag === 'Left') expect(parsed.left).toContain('from 0 (stop after each command) to 2000000');
  });
});
