/** The CLI contract's exit codes (README "CLI contract", one table): scripts and auditors rely on them.
 * Besides these, 141: stdout's reader went away (cli/broken-pipe.ts). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  infrastructure: 4,
  /** Interrupted by SIGINT (128 + 2, as a shell reports it). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
