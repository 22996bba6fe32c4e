import { sha256, toHex } from '../proof/sha256.js';

/**
 * The ids of what an observed trace becomes, derived from what names it (never random): the same
 * trace sent twice, or in pieces in any order, or again after a crash, names the same run and the
 * same agent, so that it is recorded once. A UUID of version 8 (RFC 9562, vendor-defined) made
 * from the first 16 bytes of a SHA-256 over a domain-separated, length-prefixed list of parts.
 */
const derivedUuid = (domain: string, parts: readonly string[]): string => {
  const text = [domain, ...parts].map((part) => `${part.length}:${part}`).join('');
  const bytes = sha256(new TextEncoder().encode(text)).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The run an agent invocation (its root span) of a tenant's trace is recorded as. */
export const observedRunId = (tenantId: string, traceId: string, rootSpanId: string): string =>
  derivedUuid('aos-observed-run/v1', [tenantId, traceId, rootSpanId]);

/** The agent a service's agent is registered as in a tenant, on first sight. */
export const observedAgentId = (tenantId: string, serviceName: string, agentKey: string): string =>
  derivedUuid('aos-observed-agent/v1', [tenantId, serviceName, agentKey]);
