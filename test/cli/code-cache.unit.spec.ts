import { chmodSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheFor, readCodeCache, writeCodeCache } from '../../cli/launcher/code-cache.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'aos-code-cache-'));

describe("the CLIs' code cache location", () => {
  it('is one file per CLI, build, Node version and command, under AOS_CACHE_DIR', () => {
    const cache = codeCacheFor('aos', 'b1', ['run', '--tenant-id', 't'], { AOS_CACHE_DIR: '/c' });
    expect(cache).toEqual({
      directory: '/c',
      prefix: 'aos.',
      file: `/c/aos.b1.${process.version}-${process.arch}.run.v8`,
    });
  });

  it('names the command by the first word that is not an option, and "other" for anything odd', () => {
    const name = (argv: string[]) =>
      codeCacheFor('aos', 'b', argv, { AOS_CACHE_DIR: '/c' })?.file.split('.').slice(-2).join('.');
    expect(name(['--json', 'runs', 'list'])).toBe('runs.v8');
    expect(name([])).toBe('other.v8');
    expect(name(['../../etc/passwd'])).toBe('other.v8');
    expect(name(['Run'])).toBe('other.v8');
  });

  it("gives calls for help or the version a file of their own, not their command's", () => {
    const name = (argv: string[]) =>
      codeCacheFor('aos', 'b', argv, { AOS_CACHE_DIR: '/c' })?.file.split('.').slice(-2).join('.');
    expect(name(['runs', 'list', '--help'])).toBe('help.v8');
    expect(name(['-h'])).toBe('help.v8');
    expect(name(['--version'])).toBe('version.v8');
  });

  it('defaults to $XDG_CACHE_HOME/aos-runproof, then ~/.cache/aos-runproof', () => {
    expect(codeCacheFor('aos', 'b', ['run'], { XDG_CACHE_HOME: '/x' })?.directory).toBe('/x/aos-runproof');
    expect(codeCacheFor('aos', 'b', ['run'], {})?.directory).toMatch(/\/\.cache\/aos-runproof$/);
  });

  it('is off with AOS_CODE_CACHE=off', () => {
    expect(codeCacheFor('aos', 'b', ['run'], { AOS_CODE_CACHE: 'off', AOS_CACHE_DIR: '/c' })).toBeNull();
    expect(readCodeCache(null)).toBeUndefined();
  });
});

describe('reading and writing the code cache', () => {
  it('reads back what it wrote, private to the user', () => {
    const directory = join(scratch(), 'nested');
    const cache = codeCacheFor('aos', 'b1', ['run'], { AOS_CACHE_DIR: directory });
    if (cache === null) throw new Error('cache expected');
    expect(readCodeCache(cache)).toBeUndefined();
    writeCodeCache(cache, Buffer.from('compiled'), 'b1');
    expect(readCodeCache(cache)?.toString()).toBe('compiled');
    expect(readdirSync(directory)).toEqual([cache.file.split('/').pop()]);
  });

  it('does not read a cache file from a directory or a file others may write', () => {
    const directory = scratch();
    const cache = codeCacheFor('aos', 'b1', ['run'], { AOS_CACHE_DIR: directory });
    if (cache === null) throw new Error('cache expected');
    writeCodeCache(cache, Buffer.from('compiled'), 'b1');
    chmodSync(directory, 0o777);
    expect(readCodeCache(cache)).toBeUndefined();
    chmodSync(directory, 0o700);
    expect(readCodeCache(cache)?.toString()).toBe('compiled');
    chmodSync(cache.file, 0o666);
    expect(readCodeCache(cache)).toBeUndefined();
  });

  it('writes nothing into a directory others may write, and follows no link to read or write', () => {
    const shared = scratch();
    chmodSync(shared, 0o777);
    const cache = codeCacheFor('aos', 'b1', ['run'], { AOS_CACHE_DIR: shared });
    if (cache === null) throw new Error('cache expected');
    writeCodeCache(cache, Buffer.from('compiled'), 'b1');
    expect(readdirSync(shared)).toEqual([]);

    const target = join(scratch(), 'victim');
    writeFileSync(target, 'precious');
    const linkedDirectory = join(scratch(), 'linked');
    symlinkSync(scratch(), linkedDirectory);
    const viaLink = codeCacheFor('aos', 'b1', ['run'], { AOS_CACHE_DIR: linkedDirectory });
    if (viaLink === null) throw new Error('cache expected');
    writeCodeCache(viaLink, Buffer.from('compiled'), 'b1');
    expect(readCodeCache(viaLink)).toBeUndefined();

    const directory = scratch();
    const own = codeCacheFor('aos', 'b1', ['run'], { AOS_CACHE_DIR: directory });
    if (own === null) throw new Error('cache expected');
    symlinkSync(target, own.file);
    expect(readCodeCache(own)).toBeUndefined();
    symlinkSync(target, `${own.file}.${process.pid}.tmp`);
    writeCodeCache(own, Buffer.from('compiled'), 'b1');
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it("removes the files of the same CLI's older builds, and nobody else's", () => {
    const directory = scratch();
    for (const name of [
      'aos.old.v20-x64.run.v8',
      'aos-int.old.v20-x64.demo.v8',
      'aos-int.new.v20-x64.demo.v8',
      'unrelated.txt',
    ])
      writeFileSync(join(directory, name), 'x');
    const cache = codeCacheFor('aos', 'new', ['run'], { AOS_CACHE_DIR: directory });
    if (cache === null) throw new Error('cache expected');
    writeCodeCache(cache, Buffer.from('compiled'), 'new');
    expect(readdirSync(directory).sort()).toEqual(
      [
        'aos-int.old.v20-x64.demo.v8',
        'aos-int.new.v20-x64.demo.v8',
        cache.file.split('/').pop(),
        'unrelated.txt',
      ].sort(),
    );
  });

  it('ignores a cache directory it cannot create (a file is in the way)', () => {
    const blocker = join(scratch(), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const cache = codeCacheFor('aos', 'b', ['run'], { AOS_CACHE_DIR: join(blocker, 'cache') });
    if (cache === null) throw new Error('cache expected');
    expect(() => writeCodeCache(cache, Buffer.from('compiled'), 'b')).not.toThrow();
    expect(readCodeCache(cache)).toBeUndefined();
    expect(readFileSync(blocker, 'utf8')).toBe('not a directory');
  });
});
