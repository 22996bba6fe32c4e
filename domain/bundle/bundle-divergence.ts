import type { Divergence } from '../proof/run-verification.js';

/** A divergence in the bundle's own fields (not in its events or its seal). */
export const bundleDivergence = (
  field: string,
  expected: string | number | null,
  actual: string | number | null,
): Divergence => ({ source: 'bundle', seq: null, field, expected, actual });
