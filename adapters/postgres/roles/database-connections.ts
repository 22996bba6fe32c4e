/** The four roles of migration 0013 (docs/DATABASE-ROLES.md): what each command connects as. */
export const DATABASE_ROLES = ['writer', 'projector', 'reader', 'auditor'] as const;
export type DatabaseRole = (typeof DATABASE_ROLES)[number];

export const roleName = (role: DatabaseRole): string => `aos_${role}`;

/** How the commands reach one database: a connection URL per role, and the login that migrates it
 * (`adminUrl`, never used by the ports). `split` says how the roles are had: `role-logins`, each
 * role logs in with its own password (the embedded database, or one URL per role); `set-role`,
 * one login takes each role at connection (`-c role=aos_...`): the grants and policies hold for the
 * commands, but whoever holds that URL holds every role. */
export type DatabaseConnections = {
  readonly adminUrl: string;
  readonly roles: Readonly<Record<DatabaseRole, string>>;
  readonly split: 'role-logins' | 'set-role';
};

/** `url` taking `role` when it connects (the startup option `-c role=...`, after the options the
 * URL already has and PGOPTIONS's, which an `options` in the URL would otherwise replace): Postgres
 * refuses the connection when the login may not take it. */
export const withSetRole = (url: string, role: DatabaseRole, pgOptions = process.env.PGOPTIONS): string => {
  const parsed = new URL(url);
  const options = [pgOptions, parsed.searchParams.get('options'), `-c role=${roleName(role)}`]
    .filter((part) => part !== undefined && part !== null && part.trim() !== '')
    .join(' ');
  parsed.searchParams.set('options', options);
  return parsed.toString();
};

const byRole = (url: (role: DatabaseRole) => string): Record<DatabaseRole, string> => ({
  writer: url('writer'),
  projector: url('projector'),
  reader: url('reader'),
  auditor: url('auditor'),
});

/** One login for every role (SET ROLE at connection). */
export const setRoleConnections = (url: string, pgOptions = process.env.PGOPTIONS): DatabaseConnections => ({
  adminUrl: url,
  roles: byRole((role) => withSetRole(url, role, pgOptions)),
  split: 'set-role',
});

/** The variable that gives `role` its own URL besides DATABASE_URL: AOS_DATABASE_URL_WRITER, ... */
export const roleUrlVariable = (role: DatabaseRole): string => `AOS_DATABASE_URL_${role.toUpperCase()}`;

/** DATABASE_URL (which migrates) and, per role, its AOS_DATABASE_URL_<ROLE> when set, else
 * DATABASE_URL's login taking the role with SET ROLE. */
export const externalConnections = (url: string, env: NodeJS.ProcessEnv): DatabaseConnections => {
  const own = (role: DatabaseRole): string | undefined => {
    const value = env[roleUrlVariable(role)];
    return value !== undefined && value !== '' ? value : undefined;
  };
  const roles = byRole((role) => own(role) ?? withSetRole(url, role, env.PGOPTIONS));
  const split = DATABASE_ROLES.every((role) => own(role) !== undefined) ? 'role-logins' : 'set-role';
  return { adminUrl: url, roles, split };
};
