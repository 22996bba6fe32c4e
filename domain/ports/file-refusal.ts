/** What a path on disk turned out to be, when it is not what was expected. */
export type FileType =
  | 'directory'
  | 'regular file'
  | 'symbolic link'
  | 'FIFO'
  | 'socket'
  | 'character device'
  | 'block device'
  | 'unknown';

/** Why a file or directory that must be safe to trust (a key, a key directory, compiled code) or
 * bounded to read (a file an auditor names) was not used. `missing` is not a refusal of the file
 * but its absence, which callers treat on their own terms (no key yet, no public keys). */
export type FileRefusal =
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly code: string }
  | { readonly kind: 'symbolic_link' }
  | { readonly kind: 'not_a_directory'; readonly found: FileType }
  | { readonly kind: 'not_a_regular_file'; readonly found: FileType }
  | { readonly kind: 'not_owned'; readonly owner: number; readonly user: number }
  /** Group or others may write it (mode bits 0o022). */
  | { readonly kind: 'writable_by_others'; readonly mode: number }
  /** Group or others have any access to it (mode bits 0o077): for a private key. */
  | { readonly kind: 'accessible_by_others'; readonly mode: number }
  | { readonly kind: 'too_large'; readonly size: number; readonly limit: number };
