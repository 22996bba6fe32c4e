import type { OtlpFormat } from './decode-trace-request.js';
import { ExportTraceServiceResponseMessage } from './otlp-generated-messages.js';

/** The spans a request had refused, as ExportTracePartialSuccess says them; null when none was. */
export type TraceExportRefusal = { readonly rejected_spans: number; readonly error_message: string } | null;

/**
 * The body of the answer to a trace export: an ExportTraceServiceResponse, empty when every span
 * was taken, else with its partial_success. In protobuf through the generated encoder; in JSON by
 * the protobuf JSON mapping (lowerCamelCase fields, the int64 rejected_spans as a decimal string).
 */
export const encodeTraceResponse = (format: OtlpFormat, refusal: TraceExportRefusal): Uint8Array => {
  const partialSuccess =
    refusal === null
      ? undefined
      : { rejectedSpans: String(refusal.rejected_spans), errorMessage: refusal.error_message };
  if (format === 'json')
    return new TextEncoder().encode(JSON.stringify(partialSuccess === undefined ? {} : { partialSuccess }));
  const message = ExportTraceServiceResponseMessage.fromObject(
    partialSuccess === undefined ? {} : { partialSuccess },
  );
  return ExportTraceServiceResponseMessage.encode(message).finish();
};
