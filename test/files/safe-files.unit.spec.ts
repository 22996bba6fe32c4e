import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrustedDirectory, readFileSafely, type FileRule } from '../../adapters/files/safe-files.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'aos-safe-files-'));
const privateKey: FileRule = { followLinks: false, access: 'private', maxBytes: 64 * 1024 };
const named: FileRule = { followLinks: true, access: 'anyone', maxBytes: 1024 };

/** The one way trusted files are opened (keys, code cache) and named files are bounded (aos verify). */
describe('readFileSafely and checkTrustedDirectory', () => {
  it('reads a regular file of this user within its limit', () => {
    const file = join(scratch(), 'key');
    writeFileSync(file, 'secret', { mode: 0o600 });
    const read = readFileSafely(file, privateKey);
    expect(read._tag === 'Right' && read.right.toString()).toBe('secret');
    expect(readFileSafely(join(scratch(), 'absent'), privateKey)).toEqual({
      _tag: 'Left',
      left: { kind: 'missing' },
    });
  });

  it('refuses a FIFO at once instead of waiting for a writer', { timeout: 5000 }, () => {
    const fifo = join(scratch(), 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    for (const rule of [privateKey, named])
      expect(readFileSafely(fifo, rule)).toEqual({
        _tag: 'Left',
        left: { kind: 'not_a_regular_file', found: 'FIFO' },
      });
  });

  it('refuses /dev/zero, named or behind a link, without reading it', { timeout: 5000 }, () => {
    const link = join(scratch(), 'zero');
    symlinkSync('/dev/zero', link);
    expect(readFileSafely('/dev/zero', named)).toEqual({
      _tag: 'Left',
      left: { kind: 'not_a_regular_file', found: 'character device' },
    });
    expect(readFileSafely(link, named)).toMatchObject({ left: { found: 'character device' } });
    expect(readFileSafely(link, privateKey)).toEqual({ _tag: 'Left', left: { kind: 'symbolic_link' } });
  });

  it('refuses a link to a regular file unless the caller follows links', () => {
    const directory = scratch();
    writeFileSync(join(directory, 'real'), 'text', { mode: 0o600 });
    symlinkSync(join(directory, 'real'), join(directory, 'link'));
    expect(readFileSafely(join(directory, 'link'), privateKey)).toEqual({
      _tag: 'Left',
      left: { kind: 'symbolic_link' },
    });
    expect(readFileSafely(join(directory, 'link'), { ...privateKey, followLinks: true })._tag).toBe('Right');
  });

  it('refuses a private file group or others may access, and a shared file others may write', () => {
    const file = join(scratch(), 'key');
    writeFileSync(file, 'secret');
    chmodSync(file, 0o644);
    expect(readFileSafely(file, privateKey)).toEqual({
      _tag: 'Left',
      left: { kind: 'accessible_by_others', mode: 0o644 },
    });
    expect(readFileSafely(file, { ...privateKey, access: 'owner_writes' })._tag).toBe('Right');
    chmodSync(file, 0o646);
    expect(readFileSafely(file, { ...privateKey, access: 'owner_writes' })).toEqual({
      _tag: 'Left',
      left: { kind: 'writable_by_others', mode: 0o646 },
    });
  });

  it('refuses a file over its limit from its size, even a sparse one of 200 MB', () => {
    const file = join(scratch(), 'big');
    writeFileSync(file, '');
    truncateSync(file, 200 * 1024 * 1024);
    expect(readFileSafely(file, named)).toEqual({
      _tag: 'Left',
      left: { kind: 'too_large', size: 200 * 1024 * 1024, limit: 1024 },
    });
  });

  it('trusts only a real directory of this user that group and others cannot write', () => {
    const directory = scratch();
    expect(checkTrustedDirectory(directory)).toBeNull();
    chmodSync(directory, 0o777);
    expect(checkTrustedDirectory(directory)).toEqual({ kind: 'writable_by_others', mode: 0o777 });
    chmodSync(directory, 0o755);
    expect(checkTrustedDirectory(directory)).toBeNull();
    const link = join(scratch(), 'link');
    symlinkSync(directory, link);
    expect(checkTrustedDirectory(link)).toEqual({ kind: 'symbolic_link' });
    const file = join(directory, 'file');
    writeFileSync(file, '');
    expect(checkTrustedDirectory(file)).toEqual({ kind: 'not_a_directory', found: 'regular file' });
    expect(checkTrustedDirectory(join(directory, 'absent'))).toEqual({ kind: 'missing' });
    mkdirSync(join(directory, 'sub'), { mode: 0o700 });
    expect(checkTrustedDirectory(join(directory, 'sub'))).toBeNull();
  });
});
