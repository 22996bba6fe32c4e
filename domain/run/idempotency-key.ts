import type { RunRequest } from './run-request.js';
import * as t from 'io-ts';
import { utf8 } from '../json/canonical-json.js';
import { sha256, toHex } from '../proof/sha256.js';
import type { RunCreated } from './run-events.js';

/** An idempotency key: 1-200 printable ASCII characters (no spaces or controls), as clients such as
 * schedulers and queues send them. */
export const IdempotencyKeyC = new t.Type<string, string, unknown>(
  'IdempotencyKey',
  (u): u is string => typeof u === 'string' && /^[\x21-\x7e]{1,200}$/.test(u),
  (u, c) =>
    typeof u !== 'string'
      ? t.failure(u, c, 'expected a string')
      : u.length === 0
        ? t.failure(u, c, 'must not be empty')
        : u.length > 200
          ? t.failure(u, c, `must be at most 200 characters (got ${u.length})`)
          : /^[\x21-\x7e]+$/.test(u)
            ? t.success(u)
            : t.failure(u, c, 'expected printable ASCII without spaces'),
  t.identity,
);

/** The run id a key stands for in a tenant: a UUID (version 8, RFC 9562) from
 * SHA-256("aos.idempotency.v1" 0x00 tenant 0x00 key), so the same key always names the same run
 * and a second create of it meets the first on the stream's expected version. */
export const runIdForIdempotencyKey = (tenantId: string, key: string): string => {
  const bytes = sha256(utf8(`aos.idempotency.v1\u0000${tenantId}\u0000${key}`)).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The first field in which an existing run differs from a request made with the same key, or null. */
export const idempotencyMismatch = (existing: RunCreated, request: RunRequest): keyof RunRequest | null => {
  for (const field of ['agent_id', 'goal', 'origin_system_id'] as const)
    if (existing[field] !== request[field]) return field;
  if (request.budget_cents !== undefined && request.budget_cents !== existing.budget_cents)
    return 'budget_cents';
  return null;
};
