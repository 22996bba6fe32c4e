import { sha256 } from '../proof/sha256.js';

/** Version and purpose of the id derivation, hashed first: another use of SHA-256 over the same
 * names can never give the same bytes. */
const DOMAIN = 'aos.runproof.otel-export.v1';

const utf8 = new TextEncoder();

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** OpenTelemetry calls an all-zero id invalid: such a digest (one in 2^64 for a span id) gets its
 * last byte set to 1, deterministically. */
export const nonZeroId = (bytes: Uint8Array): string => {
  if (bytes.some((b) => b !== 0)) return hex(bytes);
  const fixed = Uint8Array.from(bytes);
  fixed[fixed.length - 1] = 1;
  return hex(fixed);
};

/** SHA-256 of the domain and the parts, each followed by U+0000 (no id or number holds one). */
const digestOf = (parts: readonly string[]): Uint8Array =>
  sha256(utf8.encode([DOMAIN, ...parts].map((p) => `${p}\u0000`).join('')));

/** The trace of a run: 16 bytes. */
export const traceIdOf = (tenantId: string, runId: string): string =>
  nonZeroId(digestOf(['trace', tenantId, runId]).slice(0, 16));

/** The run's root span (invoke_agent): 8 bytes. */
export const rootSpanIdOf = (tenantId: string, runId: string): string =>
  nonZeroId(digestOf(['root', tenantId, runId]).slice(0, 8));

/** A step's span, by its step_index. */
export const stepSpanIdOf = (tenantId: string, runId: string, stepIndex: number): string =>
  nonZeroId(digestOf(['step', tenantId, runId, String(stepIndex)]).slice(0, 8));

/** One attempt of a retried step (1-based, the last one included). */
export const attemptSpanIdOf = (
  tenantId: string,
  runId: string,
  stepIndex: number,
  attempt: number,
): string =>
  nonZeroId(digestOf(['attempt', tenantId, runId, String(stepIndex), String(attempt)]).slice(0, 8));
