import { BROKEN_PIPE_EXIT, isBrokenPipe } from './broken-pipe.js';
import { CliFailure } from './cli-failure.js';
import { ExitCode } from './exit-codes.js';
import { renderTable, tsvOf, type TableData } from './table-output.js';
import { shown, terminalText } from './terminal-text.js';

/** What a command produced: one JSON document for --json, text for people (or a table, rendered to
 * fit the terminal, or as TSV with --output tsv), and its exit code. */
export type CommandResult = {
  readonly exitCode: ExitCode;
  readonly json: unknown;
  readonly text?: string;
  readonly table?: TableData;
  /** The command already wrote its JSON document to stdout (streamed: a long run's rows). */
  readonly printed?: boolean;
};

export type OutputOptions = { readonly json?: boolean; readonly output?: 'table' | 'json' | 'tsv' };

/** Whether the command prints one JSON document: --json or --output json. */
export const jsonOutput = (options: OutputOptions): boolean =>
  options.json === true || options.output === 'json';

/** The text of a result for people: its table fitted to the terminal (stdout's width when it is a
 * terminal; unbounded into a pipe or file), or as TSV; else its text. */
const textOf = async (result: CommandResult, output: OutputOptions['output']): Promise<string> => {
  if (result.table === undefined) return terminalText(result.text ?? '');
  if (output === 'tsv') return tsvOf(result.table);
  return renderTable(result.table, process.stdout.isTTY ? process.stdout.columns : undefined);
};

const write = (stream: NodeJS.WriteStream, text: string): Promise<void> =>
  new Promise((resolve) => {
    if (text === '') return resolve();
    stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve());
  });

/** Runs a command handler and prints its result: exactly one JSON document on stdout with --json,
 * messages on stderr, and the exit code of the CLI contract. Unexpected errors are exit 4. Text
 * for people is made safe for a terminal here: an error message is one line, whatever argument or
 * file content it echoes; the text keeps the CLI's own lines (the data in it is `shown`). */
export const runAndPrint = async (
  options: OutputOptions,
  handler: () => Promise<CommandResult>,
): Promise<void> => {
  const json = jsonOutput(options);
  let result: CommandResult;
  try {
    result = await handler();
  } catch (error) {
    if (isBrokenPipe(error)) {
      process.exitCode = BROKEN_PIPE_EXIT;
      return;
    }
    const failure =
      error instanceof CliFailure
        ? error
        : new CliFailure(
            ExitCode.infrastructure,
            'internal_error',
            error instanceof Error ? error.message : String(error),
          );
    await write(process.stderr, `error: ${shown(failure.message)}`);
    if (json) {
      const body = {
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.field ? { field: failure.field } : {}),
          ...failure.details,
        },
      };
      await write(process.stdout, JSON.stringify(body));
    }
    process.exitCode = failure.exitCode;
    return;
  }
  if (!(json && result.printed))
    await write(
      process.stdout,
      json ? JSON.stringify(result.json, null, 2) : await textOf(result, options.output),
    );
  process.exitCode = isBrokenPipe() ? BROKEN_PIPE_EXIT : result.exitCode;
};
