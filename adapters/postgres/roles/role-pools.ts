import pg from 'pg';
import { type DatabaseConnections, type DatabaseRole, roleName } from './database-connections.js';

/** A pool per role, each opened on first use: a command connects only as the roles its ports use. */
export type RolePools = {
  pool(role: DatabaseRole): pg.Pool;
  end(): Promise<void>;
};

/** What Postgres answered when a role's connection was refused, naming the role. */
const refusalOf = (role: DatabaseRole, error: unknown): Error => {
  const message = error instanceof Error ? error.message : String(error);
  const refused = new Error(`connecting as ${roleName(role)} was refused: ${message}`, { cause: error });
  // Keep the SQLSTATE, by which the store tells a database away from one that refused.
  if (typeof error === 'object' && error !== null && 'code' in error)
    Object.assign(refused, { code: (error as { code: unknown }).code });
  return refused;
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
        callback(error === undefined ? undefined : refusalOf(this.role, error), client, done),
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
