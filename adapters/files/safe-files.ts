import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
// Either values are built as plain objects: the CLI launcher uses this module on every call and
// loads no fp-ts.
import type { Either } from 'fp-ts/lib/Either.js';
import type { FileRefusal, FileType } from '../../domain/ports/file-refusal.js';

/**
 * Opening files that must be safe to trust or bounded to read, one way for every caller (the
 * signing keys, the public keys, V8's code cache, the files `aos verify` is given):
 *
 * - a trusted directory is checked with lstat: itself a directory, not a link to one, owned by
 *   this user (or root), not writable by group or others;
 * - a file is opened non-blocking (a FIFO answers at once instead of waiting for a writer) and,
 *   unless the caller named it explicitly, with O_NOFOLLOW; then fstat on the open descriptor (no
 *   race with a rename): a regular file (not a FIFO, a socket or a device such as /dev/zero), of
 *   the owner and mode the caller requires, no larger than its limit, all checked before a byte is
 *   read; the read stops at the limit should the file grow meanwhile.
 */

/** Who besides the owner (this user, or root) may have access: `private`, no one (a private key:
 * no mode bit for group or others); `owner_writes`, others may read but only the owner writes
 * (public keys, compiled code); `anyone`, no owner or mode rule (a file an auditor names on the
 * command line). */
export type FileAccess = 'private' | 'owner_writes' | 'anyone';

export type FileRule = {
  /** false: the path must not be a symbolic link (O_NOFOLLOW). */
  readonly followLinks: boolean;
  readonly access: FileAccess;
  /** Larger files are refused from their size, before anything is read (Infinity: no limit). */
  readonly maxBytes: number;
};

const left = <A>(refusal: FileRefusal): Either<FileRefusal, A> => ({ _tag: 'Left', left: refusal });
const right = <A>(value: A): Either<FileRefusal, A> => ({ _tag: 'Right', right: value });

const CHUNK_BYTES = 1 << 20;

const fileTypeOf = (stat: Stats): FileType => {
  if (stat.isFile()) return 'regular file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symbolic link';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  return 'unknown';
};

const codeOf = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

/** The owner and mode rule of `access`, or null when the stat satisfies it. The owner must be this
 * user or root (as OpenSSH's StrictModes has it): whoever owns a file can change it. */
const accessProblem = (stat: Stats, access: FileAccess): FileRefusal | null => {
  // Windows has no POSIX owner and mode bits (its ACLs decide): only type, links and size apply.
  if (access === 'anyone' || process.platform === 'win32') return null;
  const user = process.getuid?.();
  if (user !== undefined && stat.uid !== user && stat.uid !== 0)
    return { kind: 'not_owned', owner: stat.uid, user };
  const mode = stat.mode & 0o777;
  if (access === 'private' && (mode & 0o077) !== 0) return { kind: 'accessible_by_others', mode };
  if ((mode & 0o022) !== 0) return { kind: 'writable_by_others', mode };
  return null;
};

/** A directory this user controls: the path itself a directory (not a link to one), owned by this
 * user (or root), not writable by group or others; null when it is one. */
export const checkTrustedDirectory = (path: string): FileRefusal | null => {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    const code = codeOf(error);
    return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', code };
  }
  if (stat.isSymbolicLink()) return { kind: 'symbolic_link' };
  if (!stat.isDirectory()) return { kind: 'not_a_directory', found: fileTypeOf(stat) };
  return accessProblem(stat, 'owner_writes');
};

/** Why `open` failed, named by what the path is when that is the reason (a link under O_NOFOLLOW,
 * a socket, which cannot be opened at all). */
const openFailure = (path: string, code: string, rule: FileRule): FileRefusal => {
  if (code === 'ENOENT') return { kind: 'missing' };
  try {
    const stat = rule.followLinks ? statSync(path) : lstatSync(path);
    if (stat.isSymbolicLink()) return { kind: 'symbolic_link' };
    if (!stat.isFile()) return { kind: 'not_a_regular_file', found: fileTypeOf(stat) };
  } catch {
    // The open's own error says it best.
  }
  return { kind: 'unreadable', code };
};

/** Reads from `fd` until its end, or until more than `limit` bytes came (a file that grew). */
const readAtMost = (fd: number, limit: number, expected: number): Either<FileRefusal, Buffer> => {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const room = Math.min(limit + 1 - total, Math.max(expected + 1 - total, CHUNK_BYTES));
    const chunk = Buffer.allocUnsafe(room);
    const count = readSync(fd, chunk, 0, room, null);
    if (count === 0) break;
    chunks.push(count === room ? chunk : chunk.subarray(0, count));
    total += count;
    if (total > limit) return left({ kind: 'too_large', size: total, limit });
  }
  return right(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
};

/** Opens `path` (without following a link unless the rule allows it), checks it is a regular file
 * the rule's access allows, no larger than its limit, then reads it with `read`; the descriptor is
 * closed whatever happens. */
const readCheckedFile = <T>(
  path: string,
  rule: FileRule,
  read: (fd: number, size: number) => Either<FileRefusal, T>,
): Either<FileRefusal, T> => {
  let fd: number;
  try {
    const noFollow = rule.followLinks ? 0 : constants.O_NOFOLLOW;
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | noFollow);
  } catch (error) {
    return left(openFailure(path, codeOf(error), rule));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return left({ kind: 'not_a_regular_file', found: fileTypeOf(stat) });
    const problem = accessProblem(stat, rule.access);
    if (problem !== null) return left(problem);
    if (stat.size > rule.maxBytes) return left({ kind: 'too_large', size: stat.size, limit: rule.maxBytes });
    return read(fd, stat.size);
  } catch (error) {
    return left({ kind: 'unreadable', code: codeOf(error) });
  } finally {
    closeSync(fd);
  }
};

/** Reads a regular file that satisfies `rule` a chunk at a time, handing each to `onChunk` (which
 * may stop the reading by returning false), or says why it was not read. Memory stays one chunk. */
export const readFileInChunks = (
  path: string,
  rule: FileRule,
  onChunk: (chunk: Buffer) => boolean,
): Either<FileRefusal, void> =>
  readCheckedFile(path, rule, (fd) => {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    for (let count = readSync(fd, chunk, 0, CHUNK_BYTES, null); count > 0;) {
      total += count;
      if (total > rule.maxBytes) return left({ kind: 'too_large', size: total, limit: rule.maxBytes });
      // A copy: whoever takes the chunk may keep it past the next read.
      if (!onChunk(Buffer.from(chunk.subarray(0, count)))) break;
      count = readSync(fd, chunk, 0, CHUNK_BYTES, null);
    }
    return right(undefined);
  });

/** The bytes of a regular file that satisfies `rule`, or why it was not read. */
export const readFileSafely = (path: string, rule: FileRule): Either<FileRefusal, Buffer> =>
  readCheckedFile(path, rule, (fd, size) => readAtMost(fd, rule.maxBytes, size));
