import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { withSigningKey } from '../../support/cli-fixtures.js';
import { freshDatabase, type TestDatabase } from '../../support/fresh-database.js';
import { sendJson, startLocalServer, type LocalServer } from '../../support/local-http-server.js';

/**
 * Secrets (test/e2e/secrets-*.e2e.spec.ts): `{{secret:API_TOKEN}}` in a template is resolved from
 * AOS_SECRET_API_TOKEN only for the call. A local server gets the real value and echoes it back in
 * several shapes; afterwards the value must be nowhere: not in any table, not in any file of the
 * server's data directory (WAL included), not in pg_dump's output, not in any CLI output.
 */
export const TENANT = 'tenant-secrets';
// Letters, digits and "-" only: the same bytes raw, JSON-escaped and percent-encoded.
export const SECRET = `sk-live-${randomBytes(24).toString('hex')}`;

/** The test file's own database, `env` with the secret set, and the echoing server, made by the
 * hooks this registers in the calling describe (all three filled in place by beforeAll). */
export const secretsFixture = () => {
  const db = {} as TestDatabase;
  const env: NodeJS.ProcessEnv = {};
  const server = {} as LocalServer;

  beforeAll(async () => {
    Object.assign(db, await freshDatabase());
    Object.assign(env, await withSigningKey({ DATABASE_URL: db.url, AOS_SECRET_API_TOKEN: SECRET }));
    Object.assign(
      server,
      await startLocalServer((hit, response) => {
        const auth = String(hit.headers.authorization ?? '');
        sendJson(response, 200, {
          authorization: auth,
          echoed: auth,
          url_encoded: `https://x.test/?t=${encodeURIComponent(auth)}`,
          list: [auth, { deep: `was ${auth}` }],
          body: hit.body,
        });
      }),
    );
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  return { db, env, server };
};
