import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeTraceResponse } from '../../adapters/otlp/encode-trace-response.js';
import { ExportTraceServiceResponseMessage } from '../../adapters/otlp/otlp-generated-messages.js';

const decodedProtobuf = (body: Uint8Array) =>
  ExportTraceServiceResponseMessage.toObject(ExportTraceServiceResponseMessage.decode(body), {
    longs: String,
  });

describe('encodeTraceResponse', () => {
  it('protobuf: an empty ExportTraceServiceResponse when every span was taken', () => {
    const body = encodeTraceResponse('protobuf', null);
    expect(body).toHaveLength(0);
    expect(decodedProtobuf(body)).toEqual({});
  });

  it('protobuf: the partial success, read back by the generated decoder and the SDK exporter', () => {
    const body = encodeTraceResponse('protobuf', {
      rejected_spans: 3,
      error_message: '3 spans were refused',
    });
    expect(decodedProtobuf(body)).toEqual({
      partialSuccess: { rejectedSpans: '3', errorMessage: '3 spans were refused' },
    });
    const seenByExporter = ProtobufTraceSerializer.deserializeResponse(body);
    expect(String(seenByExporter.partialSuccess?.rejectedSpans)).toBe('3');
    expect(seenByExporter.partialSuccess?.errorMessage).toBe('3 spans were refused');
  });

  it('json: {} when every span was taken', () => {
    expect(new TextDecoder().decode(encodeTraceResponse('json', null))).toBe('{}');
  });

  it('json: the partial success by the protobuf JSON mapping, which the generated message reads back', () => {
    const body = encodeTraceResponse('json', { rejected_spans: 1, error_message: 'span_id is "short"' });
    expect(new TextDecoder().decode(body)).toBe(
      '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"span_id is \\"short\\""}}',
    );
    const parsed = JsonTraceSerializer.deserializeResponse(body) as Record<string, unknown>;
    const message = ExportTraceServiceResponseMessage.fromObject(parsed);
    expect(ExportTraceServiceResponseMessage.toObject(message, { longs: String })).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'span_id is "short"' },
    });
  });
});
