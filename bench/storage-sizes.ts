import type pg from 'pg';

export type RelationSize = {
  readonly name: string;
  readonly kind: 'table' | 'index';
  /** The table the relation is, or the index belongs to. */
  readonly table: string;
  /** Main fork (heap or index pages). */
  readonly bytes: number;
  /** Tables: TOAST and free-space maps included, indexes excluded. Indexes: as `bytes`. */
  readonly withToast: number;
  readonly bytesPerEvent: number;
};

export type StorageReport = {
  readonly database: string;
  readonly events: number;
  readonly relations: readonly RelationSize[];
  readonly totalBytesPerEvent: number;
};

// Partitions (Emmett's messages table is partitioned) are listed under their own names.
const SIZES = `
SELECT c.relname AS name, CASE c.relkind WHEN 'i' THEN 'index' ELSE 'table' END AS kind,
       coalesce(t.relname, c.relname) AS "table",
       pg_relation_size(c.oid)::bigint AS bytes,
       (CASE c.relkind WHEN 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END)::bigint AS with_toast
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index x ON x.indexrelid = c.oid
  LEFT JOIN pg_class t ON t.oid = x.indrelid
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') AND coalesce(t.relname, c.relname) LIKE ANY($1)
 ORDER BY 3, 2 DESC, 1`;

/** On-disk sizes of the tables matching `patterns` (LIKE) and of their indexes, per stored event
 * (the rows of `eventsTable`). */
export const storageReport = async (
  pool: pg.Pool,
  database: string,
  patterns: readonly string[],
  eventsTable: string,
): Promise<StorageReport> => {
  const counted = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${eventsTable}`);
  const events = counted.rows[0]?.count ?? 0;
  const { rows } = await pool.query<{
    name: string;
    kind: 'table' | 'index';
    table: string;
    bytes: string;
    with_toast: string;
  }>(SIZES, [patterns]);
  const relations = rows.map((r) => ({
    name: r.name,
    kind: r.kind,
    table: r.table,
    bytes: Number(r.bytes),
    withToast: Number(r.with_toast),
    bytesPerEvent: Number(r.with_toast) / events,
  }));
  return {
    database,
    events,
    relations,
    totalBytesPerEvent: relations.reduce((sum, r) => sum + r.withToast, 0) / events,
  };
};
