import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  DATABASE_ROLES,
  type DatabaseConnections,
  type DatabaseRole,
  roleName,
} from '../roles/database-connections.js';
import type { EmbeddedLayout } from './embedded-layout.js';

type Passwords = Readonly<Record<DatabaseRole, string>>;

/** AOS_HOME/pg/roles.json: the passwords of the four roles' logins, mode 0600. */
const rolePasswordsFile = (layout: EmbeddedLayout): string => join(layout.root, 'roles.json');

const readPasswords = async (file: string): Promise<Passwords | null> => {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    return DATABASE_ROLES.every((role) => typeof parsed[role] === 'string' && parsed[role] !== '')
      ? (parsed as Passwords)
      : null;
  } catch {
    return null;
  }
};

const newPasswords = (): Passwords => ({
  writer: randomBytes(24).toString('base64url'),
  projector: randomBytes(24).toString('base64url'),
  reader: randomBytes(24).toString('base64url'),
  auditor: randomBytes(24).toString('base64url'),
});

const roleUrl = (adminUrl: string, role: DatabaseRole, password: string): string => {
  const parsed = new URL(adminUrl);
  parsed.username = roleName(role);
  parsed.password = password;
  return parsed.toString();
};

const loginRoles = async (admin: pg.Client): Promise<Set<string>> =>
  new Set(
    (
      await admin.query<{ rolname: string }>(
        'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[]) AND rolcanlogin',
        [DATABASE_ROLES.map(roleName)],
      )
    ).rows.map((row) => row.rolname),
  );

const connectionsOf = (adminUrl: string, known: Passwords): DatabaseConnections => ({
  adminUrl,
  split: 'role-logins',
  roles: {
    writer: roleUrl(adminUrl, 'writer', known.writer),
    projector: roleUrl(adminUrl, 'projector', known.projector),
    reader: roleUrl(adminUrl, 'reader', known.reader),
    auditor: roleUrl(adminUrl, 'auditor', known.auditor),
  },
});

/** The role logins as AOS_HOME keeps them, without connecting (a warm server, whose logins were
 * made when it was last checked); null when the file is missing or incomplete. */
export const knownRoleLogins = async (
  layout: EmbeddedLayout,
  adminUrl: string,
): Promise<DatabaseConnections | null> => {
  const passwords = await readPasswords(rolePasswordsFile(layout));
  return passwords === null ? null : connectionsOf(adminUrl, passwords);
};

/** Gives the roles of migration 0013 a login on the embedded server, each with its own random
 * password kept in AOS_HOME (mode 0600), and says how to connect as each. Passwords are made and
 * set once: again only when the file is gone or a role has no login. Called under the AOS_HOME
 * lock, once the database is migrated, with `adminUrl` the superuser's URL of that database. */
export const ensureRoleLogins = async (
  layout: EmbeddedLayout,
  adminUrl: string,
): Promise<DatabaseConnections> => {
  const file = rolePasswordsFile(layout);
  let passwords = await readPasswords(file);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const logins = await loginRoles(admin);
    if (passwords === null || DATABASE_ROLES.some((role) => !logins.has(roleName(role)))) {
      const made = newPasswords();
      const partial = `${file}.${process.pid}.tmp`;
      await writeFile(partial, JSON.stringify(made), { mode: 0o600 });
      for (const role of DATABASE_ROLES)
        await admin.query(
          `ALTER ROLE ${admin.escapeIdentifier(roleName(role))} LOGIN PASSWORD ${admin.escapeLiteral(made[role])}`,
        );
      await rename(partial, file);
      passwords = made;
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  return connectionsOf(adminUrl, passwords);
};
