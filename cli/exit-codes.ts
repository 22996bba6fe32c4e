/** The CLI contract's exit codes (DESIGN.md): scripts and auditors rely on them. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  infrastructure: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
