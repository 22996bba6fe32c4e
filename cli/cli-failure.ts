import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { ExitCode } from './exit-codes.js';

/** A failure the CLI reports as a message and an exit code; `field` names the input at fault;
 * `details` go into the JSON error document beside them (e.g. the run a failure left behind). */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export const usageError = (field: string, message: string): CliFailure =>
  new CliFailure(ExitCode.usage, 'invalid_input', `--${field}: ${message}`, field);

export const notFound = (message: string): CliFailure =>
  new CliFailure(ExitCode.notFound, 'not_found', message);

export const infrastructureError = (message: string): CliFailure =>
  new CliFailure(ExitCode.infrastructure, 'infrastructure', message);

/** An answer's Right, or its Left thrown as the failure `failureOf` makes of it (runAndPrint prints
 * it with its exit code): where a command stops at the first thing that went wrong. */
export const orThrow =
  <L>(failureOf: (error: L) => Error) =>
  <R>(answer: E.Either<L, R>): R =>
    pipe(
      answer,
      E.getOrElse((error): R => {
        throw failureOf(error);
      }),
    );
