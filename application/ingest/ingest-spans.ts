import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { JsonObject } from '../../domain/json/json-value.js';
import type { ReceivedSpan } from '../../domain/observed/received-span.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { RedactionPolicy } from '../../domain/secrets/redaction-policy.js';
import { redactJson } from '../../domain/secrets/redaction.js';
import type { SpanStaging, SpanStagingError } from '../ports/span-staging.js';

export type IngestDeps = {
  readonly staging: SpanStaging;
  readonly clock: Clock;
  /** Attribute keys whose values never reach the staging, nor any event (prompts carry secrets). */
  readonly redaction: RedactionPolicy;
};

const redacted = (attributes: JsonObject, policy: RedactionPolicy): JsonObject =>
  redactJson(attributes, policy, []) as JsonObject;

/** The span with the values of its sensitive attributes (its own, its events', its resource's)
 * replaced by [REDACTED]: redacted before anything of it is stored. */
const redactSpan = (span: ReceivedSpan, policy: RedactionPolicy): ReceivedSpan => ({
  ...span,
  attributes: redacted(span.attributes, policy),
  resource: redacted(span.resource, policy),
  events: span.events.map((event) => ({ ...event, attributes: redacted(event.attributes, policy) })),
});

/**
 * Takes in the spans a tenant's exporter sent (the tenant is the ingest token's): redacted, then
 * staged, all or none, until the sealer records their runs. The same span sent again is not staged
 * twice. Returns how many spans were new.
 */
export const ingestSpans =
  (deps: IngestDeps) =>
  (
    tenantId: string,
    spans: readonly ReceivedSpan[],
  ): TE.TaskEither<SpanStagingError, { readonly added: number }> =>
    spans.length === 0
      ? TE.right({ added: 0 })
      : pipe(
          TE.right(spans.map((span) => redactSpan(span, deps.redaction))),
          TE.chain((safe) => deps.staging.stage(tenantId, safe, deps.clock.now())),
        );
