import type { JsonValue } from '../domain/json/json-value.js';
import type { ProjectionTable } from './projection-tables.js';

export type CellValue = JsonValue;
export type Row = Readonly<Record<string, CellValue>>;

/** What one event does to the read tables: plain data, applied by SQL in the projector and in
 * memory by the proof, so both derive the same rows. */
export type RowChange =
  /** `ifAbsent`: keep the row already there under this key (a run's first seal wins). */
  | {
      readonly kind: 'insert';
      readonly table: ProjectionTable;
      readonly row: Row;
      readonly ifAbsent?: boolean;
    }
  | {
      readonly kind: 'update';
      readonly table: ProjectionTable;
      readonly key: Row;
      readonly set: Row;
      readonly increment?: Readonly<Record<string, number>>;
    };
