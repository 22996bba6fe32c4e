import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decodeTraceRequest } from '../adapters/otlp/decode-trace-request.js';
import { ingestSpans } from '../application/ingest/ingest-spans.js';
import type { SpanStaging } from '../application/ports/span-staging.js';
import type { ReceivedSpan } from '../domain/observed/received-span.js';
import { defaultRedactionPolicy } from '../domain/secrets/redaction-policy.js';
import { systemClock } from '../adapters/system-clock.js';

/** What ingestSpans hands its staging, captured instead of staged. */
const capturingStaging = (captured: ReceivedSpan[][]): SpanStaging => {
  const unused = () => {
    throw new Error('the floor only stages');
  };
  return {
    stage: (_tenantId, spans) => {
      captured.push([...spans]);
      return TE.right({ added: spans.length });
    },
    tracesToSeal: unused,
    traceSpans: unused,
    markRecorded: unused,
    markChecked: unused,
  };
};

/** The batches as the server would stage them: the bytes the SDK's protobuf exporter sends,
 * decoded by the product's decoder, redacted by the product's ingest with the default policy
 * (what `aos serve` does without --redact-key), made before the floor's clock starts. */
export const stagedBatches = async (
  batches: readonly (readonly ReadableSpan[])[],
): Promise<ReceivedSpan[][]> => {
  const captured: ReceivedSpan[][] = [];
  const ingest = ingestSpans({
    staging: capturingStaging(captured),
    clock: systemClock,
    redaction: defaultRedactionPolicy,
  });
  for (const batch of batches) {
    const body = ProtobufTraceSerializer.serializeRequest([...batch]);
    if (body === undefined) throw new Error('the SDK serialized nothing');
    const decoded = decodeTraceRequest('protobuf', body);
    if (E.isLeft(decoded)) throw new Error(`the bench's spans do not decode: ${decoded.left.message}`);
    if (decoded.right.rejected.count > 0)
      throw new Error(`the decoder refused ${decoded.right.rejected.count} of the bench's spans`);
    const staged = await ingest('floor', decoded.right.spans)();
    if (E.isLeft(staged)) throw new Error('capturing the redacted spans failed');
  }
  return captured;
};
