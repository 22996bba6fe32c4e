import { watchIdleServer } from './idle-watcher.js';

// Entry point of the idle watcher (bundled to dist/bin/aos-db-idle.cjs): `node aos-db-idle.cjs AOS_HOME`.
const home = process.argv[2];
if (home === undefined || home === '') {
  process.stderr.write('usage: aos-db-idle.cjs AOS_HOME\n');
  process.exitCode = 2;
} else {
  void watchIdleServer(home);
}
