import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { fromHexList, rfcLeafHash, rfcVerifyInclusion } from '../support/independent-rfc9162.js';
import {
  CHAIN_LENGTH,
  FIRST_STEP_SEQ,
  GOAL,
  MARKERS,
  TENANT,
  exportedBundle,
  type Integrity,
} from './support/exported-bundle-fixture.js';

/** `aos proof --step N --inclusion` of the exported run: one step disclosed, its inclusion in the
 * sealed Merkle root checked by an independent RFC 9162 verifier, no other step printed. */
describe('aos export → aos verify bundle.json, offline', () => {
  const sealed = exportedBundle();
  const { env, proofOf } = sealed;

  describe('aos proof --step N --inclusion discloses one step, checked by an independent RFC 9162 verifier', () => {
    type Disclosure = {
      integrity: Integrity;
      inclusion: {
        step_index: number;
        leaf_index: number;
        tree_size: number;
        leaf_bytes: string;
        leaf_hash: string;
        inclusion_path: string[];
        merkle_root: string;
      };
      checkpoint: { merkle_root: string } | null;
    };
    const disclose = async (step: number) => {
      const result = await runCli(
        'aos',
        [
          'proof',
          '--tenant-id',
          TENANT,
          '--run-id',
          sealed.runId,
          '--step',
          String(step),
          '--inclusion',
          '--json',
        ],
        env,
      );
      expect(result.code, result.stderr).toBe(0);
      return { stdout: result.stdout, ...jsonOf<Disclosure>(result) };
    };

    it.each([0, 1, 2])(
      'step %i: its leaf is in the sealed merkle_root, and no other step is printed',
      async (step) => {
        const merkle = await proofOf(['--model', 'merkle']);
        expect(merkle.integrity.model).toBe('MERKLE_TREE');
        const { inclusion, checkpoint, integrity, stdout } = await disclose(step);
        expect(integrity).toMatchObject({ model: 'MERKLE_TREE', verification_status: 'VERIFIED' });
        expect(inclusion).toMatchObject({
          step_index: step,
          leaf_index: FIRST_STEP_SEQ + step,
          tree_size: CHAIN_LENGTH,
          merkle_root: merkle.integrity.merkle_root,
        });
        expect(checkpoint?.merkle_root).toBe(merkle.integrity.merkle_root);

        const leaf = rfcLeafHash(Buffer.from(inclusion.leaf_bytes, 'utf8'));
        expect(leaf.toString('hex')).toBe(inclusion.leaf_hash);
        const path = fromHexList(inclusion.inclusion_path);
        const root = Buffer.from(merkle.integrity.merkle_root ?? '', 'hex');
        expect(rfcVerifyInclusion(leaf, inclusion.leaf_index, inclusion.tree_size, path, root)).toBe(true);
        // The proof is for this leaf at this index only.
        const neighbour =
          inclusion.leaf_index === FIRST_STEP_SEQ ? inclusion.leaf_index + 1 : inclusion.leaf_index - 1;
        expect(rfcVerifyInclusion(leaf, neighbour, inclusion.tree_size, path, root)).toBe(false);
        expect(
          rfcVerifyInclusion(
            rfcLeafHash(Buffer.from(inclusion.leaf_bytes.replace(MARKERS[step]!, 'other'), 'utf8')),
            inclusion.leaf_index,
            inclusion.tree_size,
            path,
            root,
          ),
        ).toBe(false);

        expect(JSON.parse(inclusion.leaf_bytes)).toMatchObject({
          v: 1,
          tenant_id: TENANT,
          run_id: sealed.runId,
          seq: FIRST_STEP_SEQ + step,
          type: 'StepExecuted',
          data: { step_index: step, params: { message: MARKERS[step] } },
        });
        expect(stdout).toContain(MARKERS[step]);
        for (const other of [GOAL, ...MARKERS.filter((_, n) => n !== step)])
          expect(stdout).not.toContain(other);
      },
    );

    it('answers exit 3 for a step the run does not have, exit 2 for --step without --inclusion', async () => {
      const absent = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', sealed.runId, '--step', '3', '--inclusion', '--json'],
        env,
      );
      expect(absent.code).toBe(3);
      expect(jsonOf<{ error: { code: string } }>(absent).error.code).toBe('not_found');
      const usage = await runCli(
        'aos',
        ['proof', '--tenant-id', TENANT, '--run-id', sealed.runId, '--step', '1', '--json'],
        env,
      );
      expect(usage.code).toBe(2);
      expect(jsonOf<{ error: { field: string } }>(usage).error.field).toBe('inclusion');
    });
  });
});
