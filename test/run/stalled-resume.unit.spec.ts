import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../domain/ports/event-store.js';
import { interruptedStepPolicyAfter, lastResumeRecordedNothing } from '../../domain/run/stalled-resume.js';

const stream = (...types: string[]): StoredEvent[] =>
  types.map((type, seq) => ({ type, seq }) as unknown as StoredEvent);

describe('a resume after a resume that recorded nothing', () => {
  it.each([
    [['RunCreated', 'RunPlanned', 'RunStarted'], false],
    [['RunCreated', 'RunPlanned', 'RunStarted', 'StepExecuted'], false],
    [['RunCreated', 'RunPlanned', 'RunStarted', 'StepExecuted', 'RunStarted', 'StepExecuted'], false],
    [['RunCreated', 'RunPlanned', 'RunStarted', 'RunStarted'], true],
    [['RunCreated', 'RunPlanned', 'RunStarted', 'StepExecuted', 'RunStarted'], true],
  ])('%j: the last resume recorded nothing → %s', (types, expected) => {
    expect(lastResumeRecordedNothing(stream(...types))).toBe(expected);
  });

  it('does not run the step in flight again, unless --rerun-interrupted asks for it', () => {
    expect(interruptedStepPolicyAfter('rerun_if_idempotent', true)).toBe('record_interrupted');
    expect(interruptedStepPolicyAfter('rerun_if_idempotent', false)).toBe('rerun_if_idempotent');
    expect(interruptedStepPolicyAfter('rerun', true)).toBe('rerun');
  });
});
