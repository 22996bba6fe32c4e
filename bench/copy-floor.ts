import { runStreamId } from '../domain/stream-names.js';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { backendCpuMeter } from './backend-cpu.js';

export type CopySample = {
  readonly ms: number;
  readonly bytes: number;
  readonly eventBytes: number;
  /** CPU of the two Postgres backends while they streamed (null if the server is not on this machine). */
  readonly serverCpuMs: number | null;
};

const drain = async (client: pg.Client, sql: string): Promise<number> => {
  let bytes = 0;
  await pipeline(
    client.query(copyTo(sql)),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback();
      },
    }),
  );
  return bytes;
};

const eventsCopy = (client: pg.Client, runId: string): string =>
  `COPY (SELECT stream_id, tenant_id, seq, type, data, recorded_at, link FROM aos_events WHERE stream_id = ${client.escapeLiteral(runStreamId(runId))} ORDER BY seq) TO STDOUT`;
const stepsCopy = (client: pg.Client, runId: string): string =>
  `COPY (SELECT * FROM aos_trace_steps WHERE run_id = ${client.escapeLiteral(runId)} ORDER BY seq) TO STDOUT`;

/** The practical floor of a proof: Postgres streaming the rows the proof reads (the run's events
 * and its aos_trace_steps rows, in seq order) out with COPY, both at once on two connections as
 * the proof reads them, drained without looking at them. The CPU the two Postgres backends spent on it
 * is measured too: the share of the machine the proof's reads take whoever reads them. */
export const copyFloor = async (url: string, runId: string): Promise<CopySample> => {
  const clients = [
    new pg.Client({ connectionString: url }),
    new pg.Client({ connectionString: url }),
  ] as const;
  await Promise.all(clients.map((c) => c.connect()));
  try {
    const [events, steps] = clients;
    const serverCpu = await backendCpuMeter(clients);
    const cpuBefore = serverCpu();
    const started = performance.now();
    const bytes = await Promise.all([
      drain(events, eventsCopy(events, runId)),
      drain(steps, stepsCopy(steps, runId)),
    ]);
    const ms = performance.now() - started;
    const cpuAfter = serverCpu();
    return {
      ms,
      bytes: bytes[0]! + bytes[1]!,
      eventBytes: bytes[0]!,
      serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
};
