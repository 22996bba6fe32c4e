-- Ingest tokens (aos-int tokens): bearer tokens of the OTLP endpoint, each of one tenant and one
-- scope. A token is aos_it_<token_id without dashes>_<32 random bytes, base64url>; only the
-- SHA-256 of its secret part is stored, so this table cannot give a token back.
CREATE TABLE aos_ingest_tokens (
  token_id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  name text,
  scope text NOT NULL CHECK (scope IN ('ingest', 'read')),
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
CREATE INDEX aos_ingest_tokens_tenant ON aos_ingest_tokens (tenant_id, created_at, token_id);
