import Table from 'cli-table3';
import type { StorageReport } from './storage-sizes.js';

const perEvent = (bytes: number) => bytes.toFixed(0);

/** Bytes on disk per stored event, table by table (heap with TOAST, then its indexes). */
export const renderStorage = (reports: readonly StorageReport[]): string => {
  const table = new Table({
    head: ['Database (events)', 'Table', 'Heap B/event', 'Indexes B/event'],
    style: { head: [], border: [] },
  });
  for (const report of reports) {
    const where = `${report.database} (${report.events.toLocaleString('en-US')})`;
    // Tables of a page or two (checkpoints, migrations, one agent) say nothing per event.
    const tables = report.relations.filter((r) => r.kind === 'table' && r.withToast > 16_384);
    for (const t of tables) {
      const indexes = report.relations.filter((r) => r.kind === 'index' && r.table === t.name);
      const total = indexes.reduce((sum, i) => sum + i.bytesPerEvent, 0);
      const detail = indexes
        .map((i) => `${i.name.replace(`${t.name}_`, '').slice(0, 24)} ${perEvent(i.bytesPerEvent)}`)
        .join(', ');
      table.push([where, t.name, perEvent(t.bytesPerEvent), `${perEvent(total)} (${detail})`]);
    }
    table.push([where, 'all tables and indexes', '', perEvent(report.totalBytesPerEvent)]);
  }
  return table.toString();
};
