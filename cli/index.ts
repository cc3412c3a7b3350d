// The podflow command line. Each subcommand is a thin shell over createCluster, the API server,
// the property checkers, the benchmarks or the docs generator (commands.ts, one function each);
// exit codes: 0 ok, 1 a failure or violation, 2 bad usage. The CLI sits above runtime/,
// properties/ and bench/: it may import them, none of them imports it.

import { Command, CommanderError } from "commander";
import { ApiError, ClientError } from "../runtime/manifests.js";
import { addBench, addCampaign, addCheck, addDescribe, addDocs, addExplore, addReplay, addServe, addSimulate, addView } from "./commands.js";
import type { ExitCode, IO } from "./io.js";

export type { IO };
export { printCluster } from "./simulate.js";

/** Runs the CLI with argv (as process.argv); resolves to the exit code. */
export async function main(argv: string[], io: IO = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  const program = new Command();
  const exit: ExitCode = { code: 0 };
  program.name("podflow").description("An executable reference model of how Kubernetes creates, runs and deletes a Pod.").exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  addSimulate(program, io, exit);
  addServe(program, io, exit);
  addCheck(program, io, exit);
  addReplay(program, io, exit);
  addCampaign(program, io, exit);
  addExplore(program, io, exit);
  addBench(program, io);
  addDocs(program, io);
  addDescribe(program, io, exit);
  addView(program, io, exit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ClientError) {
      io.err(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof ApiError) {
      io.err(`Error from server (${e.status.reason}): ${e.message}`);
      return 1;
    }
    throw e;
  }
  return exit.code;
}
