// Where a subcommand writes: standard output and standard error, as lines.

export interface IO {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** The exit code a subcommand's action sets (0 ok, 1 a failure or violation, 2 bad usage). */
export interface ExitCode {
  code: number;
}
