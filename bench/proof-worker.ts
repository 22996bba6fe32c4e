// Proves one run in a process of its own, so its time and peak RSS are the proof's alone:
//   DATABASE_URL=... node dist/bench/proof-worker.js <tenant-id> <run-id> <keys-dir>
// prints {"ms", "cpu_ms" (user + system, every thread), "max_rss_kb", "verification_status", "seal_status", "chain_length", "step_count"}.
import pg from 'pg';
import { listPublicKeys } from '../adapters/keys/key-directory.js';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import { postgresReadModel } from '../adapters/postgres/read-model/postgres-read-model.js';
import { proveRun } from '../application/proof/prove-run.js';

const main = async (): Promise<void> => {
  const [tenantId, runId, keysDirectory] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!url || !tenantId || !runId || !keysDirectory)
    throw new Error('usage: DATABASE_URL=... proof-worker.js <tenant-id> <run-id> <keys-dir>');
  const knownKeys = new Map(
    (await listPublicKeys(keysDirectory)).map((r) => [
      r.key_id,
      new Uint8Array(Buffer.from(r.public_key, 'base64')),
    ]),
  );
  // The pool `aos proof` opens, connected before the clock starts (as COPY's connections are).
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const store = postgresEventStore(pool);
  try {
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect(), pool.connect()]);
    for (const client of clients) client.release();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const proof = await proveRun(
      { store, reads: postgresReadModel(pool, store).proofReads },
      tenantId,
      runId,
      knownKeys,
    );
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    if (proof._tag === 'Left') throw new Error(`proof failed: ${JSON.stringify(proof.left)}`);
    process.stdout.write(
      `${JSON.stringify({
        ms,
        cpu_ms: (cpu.user + cpu.system) / 1000,
        max_rss_kb: process.resourceUsage().maxRSS,
        verification_status: proof.right.integrity.verification_status,
        failure_reason: proof.right.integrity.failure_reason,
        seal_status: proof.right.seal.status,
        chain_length: proof.right.integrity.chain_length,
        step_count: proof.right.step_count,
      })}\n`,
    );
  } finally {
    await pool.end();
  }
};

await main();
