import type { SkillManifest } from '../../domain/ports/skill.js';
import { headersNotSentAsWritten } from './forbidden-request-headers.js';
import {
  DEFAULT_TIMEOUT_MS,
  HEADER_NAME,
  HEADER_VALUE,
  httpCallIdempotentDoc,
  httpCallParamsDoc,
  MAX_BODY_DEPTH,
  MAX_HEADERS,
  MAX_RESPONSE_BYTES_CAP,
  MAX_TIMEOUT_MS,
  MAX_URL_LENGTH,
  METHODS,
  METHODS_WITHOUT_BODY,
} from './http-call-params.js';
import { anyCaseWordsPattern, closedObjectSchema } from './params-schema.js';

/** What a planner is told of `http_call` (http-call-params.ts's codec, in JSON Schema). The codec
 * alone checks that the url parses as a URL without credentials, and that a body is plain JSON as
 * the ledger stores it (no U+0000, no lone surrogate, no integer beyond ±(2^53−1)). */
export const httpCallManifest: SkillManifest = {
  params_schema: closedObjectSchema({
    docs: httpCallParamsDoc,
    properties: {
      method: { type: 'string', enum: [...METHODS] },
      url: { type: 'string', maxLength: MAX_URL_LENGTH, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' },
      timeout_ms: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_MS },
      headers: {
        type: 'object',
        maxProperties: MAX_HEADERS,
        // Header names compared case-insensitively (forbidden-request-headers.ts).
        propertyNames: {
          pattern: HEADER_NAME.source,
          not: { pattern: anyCaseWordsPattern(headersNotSentAsWritten) },
        },
        additionalProperties: { type: 'string', pattern: HEADER_VALUE.source },
      },
      body: {},
      max_response_bytes: { type: 'integer', minimum: 1, maximum: MAX_RESPONSE_BYTES_CAP },
    },
    required: ['method', 'url'],
    rules: [
      {
        if: { properties: { method: { enum: [...METHODS_WITHOUT_BODY] } }, required: ['method'] },
        then: { properties: { body: false } },
      },
    ],
  }),
  cost_model: 'free: a step declares and costs 0 cents (what the called service charges is not counted)',
  side_effects: `one HTTP request to the url, with whatever effect the server gives it: only ${httpCallIdempotentDoc} are idempotent, run again on resume when a crash interrupted them, and a POST or PATCH so interrupted is recorded as interrupted instead`,
  limits: `timeout_ms (at most ${MAX_TIMEOUT_MS}, default ${DEFAULT_TIMEOUT_MS}) and the step's timeout bound the request; a response body over max_response_bytes or JSON nested deeper than ${MAX_BODY_DEPTH} levels fails the step; redirects are reported, not followed; loopback, private, link-local and metadata hosts are denied unless the agent allows the host`,
};
