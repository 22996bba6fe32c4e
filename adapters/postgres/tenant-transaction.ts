import type pg from 'pg';

/** SET LOCAL app.tenant_id, as a function: the row-level security policies of migration 0013 let a
 * tenant-scoped role see and write only the rows of this tenant, until the transaction ends. */
const SET_TENANT_SQL = "SELECT set_config('app.tenant_id', $1, true)";

/** Names the tenant of the transaction `client` is in. An empty id would name no tenant and read
 * nothing: it is refused as the defect it is. */
export const setTenant = async (client: Pick<pg.PoolClient, 'query'>, tenantId: string): Promise<void> => {
  if (tenantId === '') throw new Error('a tenant-scoped transaction needs a tenant id');
  await client.query(SET_TENANT_SQL, [tenantId]);
};

/** `work` in a transaction of its own on a client of `pool`, with the tenant set (SET LOCAL): all
 * of it commits or none. A client whose ROLLBACK failed is not given back to the pool. */
const inTenant = async <T>(
  pool: pg.Pool,
  tenantId: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> => {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await setTenant(client, tenantId);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
};

/** One statement in its tenant's transaction. */
export const tenantQuery = <R extends pg.QueryResultRow>(
  pool: pg.Pool,
  tenantId: string,
  sql: string,
  params: readonly unknown[],
): Promise<pg.QueryResult<R>> => inTenant(pool, tenantId, (client) => client.query<R>(sql, [...params]));
