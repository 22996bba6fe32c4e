import type { JsonValue } from '../json/json-value.js';
import type { ExportSpan, SpanAttributes } from './export-span.js';

type Outcome = { readonly category: string; readonly code: string; readonly data: JsonValue };

const messageOf = (outcome: Outcome): string => {
  const data = outcome.data;
  const message =
    data !== null && typeof data === 'object' && !Array.isArray(data) ? data['message'] : undefined;
  return typeof message === 'string' ? message : `${outcome.category} / ${outcome.code}`;
};

/** A failed outcome is an ERROR span with its message and `error.type` = its code; a succeeded one
 * is OK; a skipped step is left unset. */
export const outcomeStatus = (
  status: 'succeeded' | 'failed' | 'skipped',
  outcome: Outcome,
): { readonly status: ExportSpan['status']; readonly attributes: SpanAttributes } => {
  const aos = { 'aos.outcome.category': outcome.category, 'aos.outcome.code': outcome.code };
  if (status === 'failed')
    return {
      status: { code: 'error', message: messageOf(outcome) },
      attributes: { ...aos, 'error.type': outcome.code },
    };
  return { status: { code: status === 'succeeded' ? 'ok' : 'unset', message: '' }, attributes: aos };
};
