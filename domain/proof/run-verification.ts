export type DivergenceSource = 'event_store' | 'projection' | 'checkpoint' | 'bundle';

export type Divergence = {
  readonly source: DivergenceSource;
  readonly seq: number | null;
  readonly field: string;
  readonly expected: string | number | null;
  readonly actual: string | number | null;
};

export type VerificationStatus = 'VERIFIED' | 'FAILED' | 'UNSUPPORTED';

export type RunIntegrity = {
  readonly model: 'HASH_CHAIN' | 'MERKLE_TREE';
  readonly verification_status: VerificationStatus;
  readonly chain_length: number;
  readonly root_hash: string | null;
  readonly merkle_root: string | null;
  readonly failure_reason: string | null;
  readonly divergence: Divergence | null;
};

/** An event as the verifier reads it: the envelope and the stored canonical bytes of its data. */
export type VerifiableEvent = {
  readonly stream_id: string;
  readonly tenant_id: string;
  readonly seq: number;
  readonly type: string;
  readonly dataCanonical: string;
  readonly recorded_at: string;
  readonly link: string | null;
  /** The text a document wrote for the data, hashed before `dataCanonical` is read (a bundle's
   * event may compute JCS(data) only when asked): see writtenDataText (domain/bundle). */
  readonly dataWritten?: string;
};

export const notFoundIntegrity: RunIntegrity = {
  model: 'HASH_CHAIN',
  verification_status: 'UNSUPPORTED',
  chain_length: 0,
  root_hash: null,
  merkle_root: null,
  failure_reason: 'run not found',
  divergence: null,
};
