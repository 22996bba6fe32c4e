import { describe, expect, it } from 'vitest';
import {
  resolveStepReferences,
  stepReferenceProblems,
  type StepView,
} from '../../domain/plan/step-references.js';

const steps = new Map<number, StepView>([
  [
    0,
    {
      status: 'succeeded',
      outcome: {
        category: 'success',
        code: 'OK',
        data: { items: [{ id: 7, name: 'a/b' }, { id: 8 }], total: 2, note: 'hi' },
      },
      cost_cents: 3,
    },
  ],
  [
    1,
    { status: 'failed', outcome: { category: 'client_error', code: 'HTTP_404', data: null }, cost_cents: 0 },
  ],
]);

describe('step references: later steps use earlier outcomes', () => {
  it('replaces a whole-string reference by the value itself, keeping its type', () => {
    expect(
      resolveStepReferences(
        { items: '{{steps.0.outcome.data.items}}', n: '{{ steps.0.outcome.data.total }}' },
        steps,
      ),
    ).toEqual({ _tag: 'Right', right: { items: [{ id: 7, name: 'a/b' }, { id: 8 }], n: 2 } });
  });

  it('interpolates references inside a longer string: strings as they are, other values as canonical JSON', () => {
    expect(
      resolveStepReferences(
        {
          message:
            'got {{steps.0.outcome.data.total}} items, first {{steps.0.outcome.data.items.0}}, note {{steps.0.outcome.data.note}}',
        },
        steps,
      ),
    ).toEqual({ _tag: 'Right', right: { message: 'got 2 items, first {"id":7,"name":"a/b"}, note hi' } });
  });

  it('reads array indexes, the status, code and cost of a step, and nested params', () => {
    expect(
      resolveStepReferences(
        {
          a: ['{{steps.0.outcome.data.items.1.id}}'],
          b: { c: '{{steps.1.outcome.code}}' },
          s: '{{steps.1.status}}',
          k: '{{steps.0.cost_cents}}',
        },
        steps,
      ),
    ).toEqual({ _tag: 'Right', right: { a: [8], b: { c: 'HTTP_404' }, s: 'failed', k: 3 } });
  });

  it('resolves the JSON pointer form {"$from": ...}, with RFC 6901 escapes', () => {
    const withSlash = new Map<number, StepView>([
      [
        0,
        {
          status: 'succeeded',
          outcome: { category: 'success', code: 'OK', data: { 'a/b': 1, 'c~d': 2 } },
          cost_cents: 0,
        },
      ],
    ]);
    expect(
      resolveStepReferences(
        { x: { $from: '/steps/0/outcome/data/a~1b' }, y: { $from: '/steps/0/outcome/data/c~0d' } },
        withSlash,
      ),
    ).toEqual({ _tag: 'Right', right: { x: 1, y: 2 } });
    expect(resolveStepReferences({ items: { $from: '/steps/0/outcome/data/items' } }, steps)).toMatchObject({
      _tag: 'Right',
      right: { items: [{ id: 7 }, { id: 8 }] },
    });
  });

  it('leaves an object with $from and other keys alone (it is data, not a reference)', () => {
    expect(resolveStepReferences({ x: { $from: '/steps/0', other: 1 } }, steps)).toEqual({
      _tag: 'Right',
      right: { x: { $from: '/steps/0', other: 1 } },
    });
  });

  it('names the path and the reference that cannot be resolved', () => {
    expect(resolveStepReferences({ h: { x: '{{steps.0.outcome.data.missing}}' } }, steps)).toEqual({
      _tag: 'Left',
      left: {
        path: 'h.x',
        reference: '{{steps.0.outcome.data.missing}}',
        message: 'step 0 has no outcome.data.missing',
      },
    });
    expect(resolveStepReferences({ a: 'x {{steps.5.outcome}}' }, steps)).toMatchObject({
      _tag: 'Left',
      left: { path: 'a', message: 'step 5 has no record' },
    });
    expect(resolveStepReferences({ a: '{{steps.1.outcome.data.x}}' }, steps)).toMatchObject({
      _tag: 'Left',
      left: { message: 'step 1 has no outcome.data.x' },
    });
    expect(resolveStepReferences({ a: '{{steps.0.outcome.data.items.9}}' }, steps)).toMatchObject({
      _tag: 'Left',
      left: { message: 'step 0 has no outcome.data.items.9' },
    });
  });

  it('leaves strings without references, goal text and secret references untouched', () => {
    const params = { a: 'plain {{goal}} {{secret:API_TOKEN}}', b: 1, c: null, d: [true] };
    expect(resolveStepReferences(params, steps)).toEqual({ _tag: 'Right', right: params });
  });

  describe('plan-time check', () => {
    it('accepts references to earlier steps only', () => {
      expect(
        stepReferenceProblems({ a: '{{steps.0.outcome.data}}', b: { $from: '/steps/1/outcome' } }, 2),
      ).toEqual([]);
      expect(stepReferenceProblems({ a: '{{steps.2.outcome.data}}' }, 2)).toEqual([
        {
          path: 'a',
          reference: '{{steps.2.outcome.data}}',
          message: 'step 2 may only use earlier steps (refers to step 2)',
        },
      ]);
      expect(stepReferenceProblems({ a: [{ $from: '/steps/3/outcome' }] }, 1)).toEqual([
        {
          path: 'a[0]',
          reference: '/steps/3/outcome',
          message: 'step 1 may only use earlier steps (refers to step 3)',
        },
      ]);
    });
    it('reports malformed references', () => {
      expect(stepReferenceProblems({ a: '{{steps.x.outcome}}' }, 1)).toEqual([
        { path: 'a', reference: '{{steps.x.outcome}}', message: expect.stringContaining('index') },
      ]);
      expect(stepReferenceProblems({ a: '{{steps.0..data}}' }, 1)).toEqual([
        { path: 'a', reference: '{{steps.0..data}}', message: 'empty path segment' },
      ]);
      expect(stepReferenceProblems({ a: { $from: '/goal' } }, 1)).toEqual([
        { path: 'a', reference: '/goal', message: expect.stringContaining('/steps/') },
      ]);
    });
  });
});
