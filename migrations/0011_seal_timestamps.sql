-- RFC 3161 time stamp tokens over seal signatures (issue 17, part 6), when AOS_TSA_URL is set.
-- A token is asked for after the seal landed, outside its transaction: a TSA that does not answer
-- leaves the seal as it is and no row here (aos-int ledger timestamp asks again). One token per
-- seal, keyed by the seal's place in its tenant's ledger; `token` is the base64 of the DER
-- TimeStampToken, `gen_time` the time it states. Not part of what is proved: a token verifies by
-- itself against the seal's signature and the TSA's certificate.
CREATE TABLE aos_seal_timestamps (
  tenant_id text NOT NULL,
  ledger_index bigint NOT NULL CHECK (ledger_index >= 0),
  run_id text NOT NULL,
  token text NOT NULL,
  gen_time text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, ledger_index)
);
