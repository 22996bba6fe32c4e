import pg from 'pg';
import { type DatabaseConnections, type DatabaseRole, roleName } from './database-connections.js';

/** A pool per role, each opened on first use: a command connects only as the roles its ports use. */
export type RolePools = {
  pool(role: DatabaseRole): pg.Pool;
  end(): Promise<void>;
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** What Postgres answered when it refused a role's connection (a password, a role it may not take,
 * no CONNECT right), naming the role, with the answer's SQLSTATE. A server that could not be
 * reached is no refusal: that error is left as it is (the store tells a database away by it). */
const refusalOf = (role: DatabaseRole, error: unknown): unknown => {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (!(error instanceof Error) || !SQLSTATE.test(code)) return error;
  const refused = new Error(`connecting as ${roleName(role)} was refused: ${error.message}`, {
    cause: error,
  });
  return Object.assign(refused, { code });
};

/** A pool whose connections, when refused, say as which role. */
class RolePool extends pg.Pool {
  constructor(
    private readonly role: DatabaseRole,
    config: pg.PoolConfig,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback !== undefined) {
      super.connect((error, client, done) =>
        callback(error === undefined ? undefined : (refusalOf(this.role, error) as Error), client, done),
      );
      return;
    }
    return super.connect().catch((error: unknown) => {
      throw refusalOf(this.role, error);
    });
  }
}

export const rolePools = (connections: DatabaseConnections, max = 4): RolePools => {
  const pools = new Map<DatabaseRole, pg.Pool>();
  return {
    pool: (role) => {
      const found = pools.get(role);
      if (found !== undefined) return found;
      const created = new RolePool(role, { connectionString: connections.roles[role], max });
      created.on('error', () => undefined);
      pools.set(role, created);
      return created;
    },
    end: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end().catch(() => undefined)));
    },
  };
};
