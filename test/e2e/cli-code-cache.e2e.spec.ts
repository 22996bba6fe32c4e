import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';

// The shipped bins run their bundle through V8's code cache (cli/launcher). A command that ends
// well leaves its compiled code behind; a failed one leaves nothing; a damaged or foreign cache
// file is rejected by V8, the command runs as usual and the file is replaced.
describe("the CLIs' code cache", () => {
  const skillsList = (cacheDir: string) =>
    runCli('aos', ['skills', 'list', '--json'], { AOS_CACHE_DIR: cacheDir });

  it('is written by a command that exits 0 and read by the next call, with the same output', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'aos-cli-cache-'));
    const first = await skillsList(cacheDir);
    expect(first.code).toBe(0);
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(
        `^aos\\.[0-9a-f]{16}\\.${process.version.replaceAll('.', '\\.')}-${process.arch}\\.skills\\.v8$`,
      ),
    );
    const written = readFileSync(join(cacheDir, files[0] ?? ''));
    expect(written.length).toBeGreaterThan(10_000);

    const second = await skillsList(cacheDir);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(jsonOf<{ skills: unknown[] }>(second).skills.length).toBeGreaterThan(0);
    // Accepted, so not written again.
    expect(readFileSync(join(cacheDir, files[0] ?? ''))).toEqual(written);
  });

  it('is not written by a command that fails', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'aos-cli-cache-'));
    const failed = await runCli('aos', ['run', '--json'], { AOS_CACHE_DIR: cacheDir });
    expect(failed.code).toBe(2);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('survives a damaged cache file: same output, and the file is rewritten', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'aos-cli-cache-'));
    const reference = await skillsList(cacheDir);
    const [file] = readdirSync(cacheDir);
    const path = join(cacheDir, file ?? '');
    writeFileSync(path, Buffer.alloc(50_000, 0x41));
    const again = await skillsList(cacheDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(reference.stdout);
    expect(readFileSync(path).equals(Buffer.alloc(50_000, 0x41))).toBe(false);
  });

  it('is not used with AOS_CODE_CACHE=off', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'aos-cli-cache-'));
    const result = await runCli('aos', ['skills', 'list', '--json'], {
      AOS_CACHE_DIR: cacheDir,
      AOS_CODE_CACHE: 'off',
    });
    expect(result.code).toBe(0);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
