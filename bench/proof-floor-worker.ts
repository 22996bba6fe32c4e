import { runStreamId } from '../domain/stream-names.js';
// The proof without its projection check, in a process of its own, timed like proof-worker:
// both streams read as the proof reads them (the events with their data parsed, the step rows split
// into fields) and the chain and Merkle tree rebuilt, with no decoding by the codecs, no projection
// derived or compared and no seal checked.
//   DATABASE_URL=... node dist/bench/proof-floor-worker.js <tenant-id> <run-id>
// prints {"ms", "cpu_ms" (user + system, every thread), "chain_length", "step_rows", "verification_status"}.
import pg from 'pg';
import { postgresEventStore } from '../adapters/postgres/postgres-event-store.js';
import { createChainVerifier } from '../domain/proof/chain-verifier.js';
import { storedStepRowBatches } from '../adapters/postgres/read-model/projected-rows-reader.js';

const readEvents = async (pool: pg.Pool, tenantId: string, runId: string) => {
  const chain = createChainVerifier(tenantId, runId, runStreamId(runId));
  const pages = postgresEventStore(pool).readStreamPages(tenantId, runStreamId(runId));
  for (let next = await pages.next(); !next.done; next = await pages.next()) {
    for (const event of next.value) chain.push(event);
  }
  return chain.integrity();
};

const countStepRows = async (pool: pg.Pool, runId: string): Promise<number> => {
  let rows = 0;
  for await (const batch of storedStepRowBatches(pool, runId)) rows += batch.length;
  return rows;
};

const main = async (): Promise<void> => {
  const [tenantId, runId] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!url || !tenantId || !runId)
    throw new Error('usage: DATABASE_URL=... proof-floor-worker.js <tenant-id> <run-id>');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    for (const client of clients) client.release();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const [integrity, stepRows] = await Promise.all([
      readEvents(pool, tenantId, runId),
      countStepRows(pool, runId),
    ]);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    process.stdout.write(
      `${JSON.stringify({ ms, cpu_ms: (cpu.user + cpu.system) / 1000, chain_length: integrity.chain_length, step_rows: stepRows, verification_status: integrity.verification_status })}\n`,
    );
  } finally {
    await pool.end();
  }
};

await main();
