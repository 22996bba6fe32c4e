import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** An argument as one word for sh, whatever it holds. */
const quoted = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

export type TerminalResult = { readonly code: number | null; readonly output: string };

/**
 * Runs the built CLI in a pseudo-terminal of `columns` columns (util-linux `script`), as a person
 * at a terminal would: stdout and stderr are the terminal (unless `redirect` sends stdout to a
 * file), so what the CLI does only on a TTY happens. `output` is everything the terminal received,
 * escape sequences and all, with CR LF as LF.
 */
export const runInTerminal = (
  bin: 'aos' | 'aos-int',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { readonly columns?: number; readonly redirect?: string } = {},
): Promise<TerminalResult> => {
  const command = [
    `stty cols ${options.columns ?? 80} rows 40;`,
    'exec',
    quoted(process.execPath),
    quoted(`${root}dist/bin/${bin}.js`),
    ...args.map(quoted),
    ...(options.redirect ? ['>', quoted(options.redirect)] : []),
  ].join(' ');
  return new Promise((resolve, reject) => {
    const child = execFile(
      'script',
      ['-qfec', command, '/dev/null'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...env, CI: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, output: stdout.replace(/\r\n/g, '\n') });
      },
    );
    child.stdin?.end();
  });
};

/** The terminal's text without its escape sequences (cursor moves, erasures). */
export const withoutEscapes = (output: string): string =>
  // eslint-disable-next-line no-control-regex -- removing escape sequences is the point
  output.replace(/\u001b(\[[0-9;?]*[A-Za-z]|[78])/g, '');
