-- Tree heads of tenant ledgers sent to witnesses (issue 17), with the cosignatures they answered.
-- A head is the C2SP checkpoint note the log signed (no cosignature lines); `cosigned` says every
-- configured witness cosigned it; a head left uncosigned (a witness unreachable, or refusing) is
-- sent again by the next seal of its tenant and by `aos-int ledger cosign`. A ledger rewritten to
-- another root at a size already sent is another head (the key holds the root): witnesses refuse it.
-- Not part of what is proved: the cosignatures verify by themselves against the witnesses' keys.
CREATE TABLE aos_ledger_heads (
  tenant_id text NOT NULL,
  tree_size bigint NOT NULL CHECK (tree_size >= 0),
  root_hash text NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
  note text NOT NULL,
  cosigned boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, tree_size, root_hash)
);
CREATE TABLE aos_ledger_cosignatures (
  tenant_id text NOT NULL,
  tree_size bigint NOT NULL,
  root_hash text NOT NULL,
  witness text NOT NULL,
  cosignature text NOT NULL,
  PRIMARY KEY (tenant_id, tree_size, root_hash, witness),
  FOREIGN KEY (tenant_id, tree_size, root_hash) REFERENCES aos_ledger_heads (tenant_id, tree_size, root_hash)
);
