import type { FileRefusal } from '../domain/ports/file-refusal.js';

const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/** What is wrong with a path, as the end of a sentence that starts with the path. */
export const describeFileRefusal = (refusal: FileRefusal): string => {
  switch (refusal.kind) {
    case 'missing':
      return 'does not exist (ENOENT)';
    case 'unreadable':
      return `cannot be read (${refusal.code})`;
    case 'symbolic_link':
      return 'is a symbolic link, which is not followed';
    case 'not_a_directory':
      return `is a ${refusal.found}, not a directory`;
    case 'not_a_regular_file':
      return `is a ${refusal.found}, not a regular file`;
    case 'not_owned':
      return `belongs to user ${refusal.owner}, not to this user (${refusal.user})`;
    case 'writable_by_others':
      return `is writable by group or others (mode ${octal(refusal.mode)}): \`chmod go-w\` it`;
    case 'accessible_by_others':
      return `is readable or writable by group or others (mode ${octal(refusal.mode)}): \`chmod 600\` it`;
    case 'too_large':
      return `is ${refusal.size} bytes, over the limit of ${refusal.limit}`;
  }
};
