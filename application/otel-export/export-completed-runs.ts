import * as E from 'fp-ts/lib/Either.js';
import { START_POSITION, type GlobalPosition } from '../../domain/ports/event-store.js';
import type { ExportCheckpointKey } from '../ports/export-checkpoints.js';
import type { CompletedRun, RunCatalog } from '../ports/run-catalog.js';
import type { SpanExporter } from '../ports/span-exporter.js';
import type { Services } from '../services.js';
import type { OtelExportError } from './otel-export-error.js';
import { exportRun } from './export-run.js';
import type { RetryPolicy } from './send-with-retry.js';

const PAGE = 100;

export type OtelExportDeps = {
  readonly services: Pick<Services, 'store' | 'readModel' | 'catalog' | 'exportCheckpoints'>;
  readonly knownKeys: ReadonlyMap<string, Uint8Array>;
  readonly exporter: SpanExporter;
  readonly retry: RetryPolicy;
  readonly now: () => string;
};

/** What an export did so far. */
export type ExportTally = { runs: number; spans: number };

/** What the caller is told as runs go out. */
export type ExportObserver = { readonly exported?: (run: CompletedRun, spans: number) => void };

const page = async (
  catalog: RunCatalog,
  tenantId: string | null,
  after: GlobalPosition,
): Promise<E.Either<OtelExportError, CompletedRun[]>> => {
  try {
    return E.right(await catalog.completedRunsPage(tenantId, after, PAGE));
  } catch (error) {
    return E.left({ kind: 'store', error: { kind: 'store_failed', message: String(error) } });
  }
};

/** Where a pass starts and what it checkpoints: with a key, from its checkpoint, moved after each
 * run the endpoint accepted; without, every completed run. */
export type PassScope = { readonly tenantId: string | null; readonly checkpoint: ExportCheckpointKey | null };

/**
 * Exports every completed run (of one tenant, or all) after the scope's checkpoint, in the order
 * they completed, and checkpoints each once its spans were accepted. Stops at the first run that
 * could not be exported (the checkpoint stays before it), or when `stopping()` says so between runs.
 */
export const exportCompletedRuns = async (
  deps: OtelExportDeps,
  scope: PassScope,
  tally: ExportTally,
  stopping: () => boolean = () => false,
  observer: ExportObserver = {},
): Promise<E.Either<OtelExportError, void>> => {
  const { catalog, exportCheckpoints } = deps.services;
  if (catalog === null)
    return E.left({
      kind: 'unsupported',
      message:
        'otel export lists completed runs from the Postgres event store; with AOS_EVENTSTORE_URL set it is not supported yet',
    });
  let after = START_POSITION;
  if (scope.checkpoint !== null) {
    const stored = await exportCheckpoints.read(scope.checkpoint)();
    if (E.isLeft(stored)) return E.left({ kind: 'store', error: stored.left });
    after = stored.right ?? START_POSITION;
  }
  for (;;) {
    const runs = await page(catalog, scope.tenantId, after);
    if (E.isLeft(runs)) return runs;
    for (const run of runs.right) {
      if (stopping()) return E.right(undefined);
      const exported = await exportRun(deps, run);
      if (E.isLeft(exported)) return exported;
      if (scope.checkpoint !== null) {
        const saved = await exportCheckpoints.write(scope.checkpoint, run.position, deps.now())();
        if (E.isLeft(saved)) return E.left({ kind: 'store', error: saved.left });
      }
      tally.runs += 1;
      tally.spans += exported.right;
      observer.exported?.(run, exported.right);
      after = run.position;
    }
    if (runs.right.length < PAGE) return E.right(undefined);
  }
};
