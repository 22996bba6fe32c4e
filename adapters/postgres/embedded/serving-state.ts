import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as t from 'io-ts';
import writeFileAtomic from 'write-file-atomic';
import type { EmbeddedLayout } from './embedded-layout.js';
import type { Postmaster } from './postmaster.js';
import { readStateFile } from './state-file.js';

/** AOS_HOME/pg/serving.json: the postmaster (pid and port) under which a command last found the
 * product database there with every one of these migrations applied. A later command under the
 * same postmaster, with the same migration files, needs no connection to know it (a warm command's
 * fast path); a restarted server or another package version's migrations make it check again. A
 * database dropped by hand under a running server is not noticed: `aos db stop` forgets it. */
const ServingCodec = t.type({ pid: t.number, port: t.number, migrations: t.array(t.string) });

const servingFile = (layout: EmbeddedLayout): string => join(layout.root, 'serving.json');

export const isServing = async (
  layout: EmbeddedLayout,
  postmaster: Postmaster,
  migrations: readonly string[],
): Promise<boolean> => {
  const serving = await readStateFile(servingFile(layout), ServingCodec);
  return (
    serving !== null &&
    serving.pid === postmaster.pid &&
    serving.port === postmaster.port &&
    serving.migrations.join('\n') === migrations.join('\n')
  );
};

export const recordServing = (
  layout: EmbeddedLayout,
  postmaster: Postmaster,
  migrations: readonly string[],
): Promise<void> =>
  writeFileAtomic(
    servingFile(layout),
    `${JSON.stringify({ pid: postmaster.pid, port: postmaster.port, migrations })}\n`,
  );

export const forgetServing = (layout: EmbeddedLayout): Promise<void> =>
  rm(servingFile(layout), { force: true });
