import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/fresh-database.js';

/** What the operator commands do with and without AOS_EVENTSTORE_URL (no EventStoreDB server can
 * run here: only the refusals and the unreachable-server path are checked). */
describe('EventStoreDB selection in the operator CLI', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db.drop());

  it('refuses projections follow without AOS_EVENTSTORE_URL: with Postgres each run projects its own events', async () => {
    const result = await runCli('aos-int', ['projections', 'follow', '--json'], { DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expect(jsonOf<{ error: { code: string; message: string } }>(result).error).toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('AOS_EVENTSTORE_URL'),
    });
  });

  it('refuses verify-all with AOS_EVENTSTORE_URL rather than pass on zero runs', async () => {
    const result = await runCli('aos-int', ['verify-all', '--json'], {
      DATABASE_URL: db.url,
      AOS_EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
    });
    expect(result.code).toBe(2);
    expect(jsonOf<{ error: { code: string } }>(result).error.code).toBe('unsupported');
  });

  it('shows the projection checkpoint without event counts when the events are in EventStoreDB', async () => {
    const result = await runCli('aos-int', ['projections', 'status', '--json'], {
      DATABASE_URL: db.url,
      AOS_EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(
      jsonOf<{ projections: { pending_events: number | null; total_events: number | null }[] }>(result)
        .projections[0],
    ).toMatchObject({ pending_events: null, total_events: null });
  });
});
