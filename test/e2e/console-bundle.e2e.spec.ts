import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { startServe, untilReady, type Served } from '../support/serve-process.js';
import { TENANT, exportedBundle } from './support/exported-bundle-fixture.js';

/** The console's bundle endpoint streams from its first byte, its integrity made over the events
 * as they go out (no proof first): the document is `aos export`'s, and `aos verify` accepts it. */
describe('GET /api/runs/{run_id}/bundle: the bundle aos export writes', () => {
  const sealed = exportedBundle();
  let served: Served;
  let token = '';
  const bundleOf = async (runId: string) =>
    fetch(`http://127.0.0.1:${served.port}/api/runs/${runId}/bundle`, {
      headers: { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    const args = ['tokens', 'create', '--tenant-id', TENANT, '--scope', 'read', '--json'];
    token = jsonOf<{ token: string }>(await runCli('aos-int', args, sealed.env)).token;
    served = await startServe(sealed.env);
    await untilReady(served);
  });
  afterAll(() => {
    served?.child.kill('SIGKILL');
  });

  it("is aos export's document (but when it was written), and aos verify gives it the same verdict", async () => {
    const response = await bundleOf(sealed.runId);
    expect(response.status).toBe(200);
    const text = await response.text();
    const { exported_at: at, ...served } = JSON.parse(text) as Record<string, unknown>;
    const { exported_at: exportedAt, ...exported } = JSON.parse(sealed.exported) as Record<string, unknown>;
    expect(Date.parse(String(at))).toBeGreaterThanOrEqual(Date.parse(String(exportedAt)));
    expect(served).toEqual(exported);
    expect(Object.keys(served)).toEqual(Object.keys(exported));
    const pinned = ['--trusted-keys', `${sealed.env.AOS_KEYS_DIR ?? ''}/public-keys`];
    const fromServer = await sealed.verify(await sealed.bundleFile('served.json', text), pinned);
    const fromExport = await sealed.verify(await sealed.bundleFile('exported.json', sealed.exported), pinned);
    expect(fromServer.code, fromServer.stderr).toBe(0);
    expect(fromServer.integrity).toMatchObject({ verification_status: 'VERIFIED', chain_length: 7 });
    expect(fromServer).toEqual(fromExport);
  });

  it('answers 404 for a run the tenant does not have', async () => {
    expect((await bundleOf('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
