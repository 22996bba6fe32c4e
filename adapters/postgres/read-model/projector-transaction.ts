import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { ProjectionError, ProjectionPass } from '../../../application/ports/read-model.js';
import { storeErrorOf } from '../pg-error.js';

export type ProjectionResult = E.Either<ProjectionError, ProjectionPass>;

/** Runs `work` in one transaction of a client of the pool that the write guard lets write the read
 * tables (aos.projector): committed when it returns Right, rolled back when it returns Left or
 * throws (a throw becomes projection_write_failed). No connection (the database down, a refused
 * login) is the store's failure, a Left as well. */
export const inProjectorTransaction = async (
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<ProjectionResult>,
): Promise<ProjectionResult> => {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    return E.left({ kind: 'store', error: storeErrorOf(error) });
  }
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL aos.projector = 'on'");
    const result = await work(client);
    await client.query(E.isRight(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    return E.left({
      kind: 'projection_write_failed',
      message: error instanceof Error ? error.message : String(error),
    });
  } finally {
    client.release();
  }
};
