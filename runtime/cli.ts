// The podflow command line. Each subcommand is a thin shell over createCluster and the
// property checkers; exit codes: 0 ok, 1 a failure or violation, 2 bad usage.

import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { stringify as toYaml } from "yaml";
import { createCluster, type Cluster } from "./cluster.js";
import { ApiError, parseManifests } from "./manifests.js";
import { renderTable, tableFor } from "./printers.js";

/** Kinds `simulate` prints, in the order kubectl get all (plus nodes and endpoints) prints them. */
const printedKinds = ["Node", "Pod", "Service", "Endpoints", "Deployment", "ReplicaSet"];

function readManifests(files: string[]): { text: string; source: string }[] {
  return files.map((f) => ({ text: f === "-" ? readFileSync(0, "utf8") : readFileSync(f, "utf8"), source: f }));
}

/** Prints the cluster as kubectl get would, kind by kind, then the events. */
export function printCluster(cluster: Cluster, output: string | undefined, out: (s: string) => void): void {
  const now = cluster.now();
  if (output === "yaml" || output === "json") {
    const items = printedKinds.flatMap((k) => cluster.list(k)).filter((o) => o.metadata.namespace !== "kube-system");
    const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items };
    out(output === "json" ? JSON.stringify(list, null, 4) : toYaml(list));
    return;
  }
  const wide = output === "wide";
  for (const kind of printedKinds) {
    const objs = cluster.list(kind).filter((o) => o.metadata.namespace !== "kube-system" && o.metadata.namespace !== "kube-node-lease");
    if (objs.length === 0) continue;
    const t = tableFor(kind, objs, { wide, now });
    out(renderTable(t, { wide }).replace(/^NAME/, kind === "Node" ? "NAME" : "NAME").trimEnd());
    out("");
  }
  const events = cluster.events();
  if (events.length > 0) {
    out(renderTable(tableFor("Event", events, { wide: false, now }), {}).trimEnd());
  }
}

async function simulate(files: string[], opts: { nodes: string; seed: string; output?: string; traceDiagram?: string; trace?: string; advance?: string }, io: IO): Promise<number> {
  const docs = readManifests(files);
  const objs: { obj: any; source: string }[] = [];
  for (const d of docs) for (const obj of parseManifests(d.text, d.source)) objs.push({ obj, source: d.source });
  const seed = Number(opts.seed);
  const cluster = createCluster({ nodes: Number(opts.nodes), seed, clock: "simulated" });
  try {
    for (const { obj, source } of objs) {
      const [r] = await cluster.apply([obj], source);
      if (!opts.output || opts.output === "wide") io.err(`${r!.kind.toLowerCase()}/${r!.name} ${r!.action}`);
    }
    await cluster.settle();
    const more = Number(opts.advance ?? 0);
    if (!(more >= 0)) throw new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 400, reason: "BadRequest", message: `--advance must be a number of seconds, not "${opts.advance}"` });
    if (more > 0) {
      cluster.advance(more * 1000);
      await cluster.settle();
    }
    printCluster(cluster, opts.output, io.out);
    if (opts.trace) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(opts.trace, cluster.runtime.traceJsonl());
    }
    if (opts.traceDiagram) {
      const { writeFileSync } = await import("node:fs");
      const { traceToSequenceDiagram } = await import("./docs/sequence.js");
      writeFileSync(opts.traceDiagram, "```mermaid\n" + traceToSequenceDiagram([...cluster.trace()], { title: `podflow simulate ${files.join(" ")} --seed ${seed}` }) + "\n```\n");
    }
    return 0;
  } finally {
    await cluster.stop();
  }
}

/** A whole number ≥ 0 given as an argument; commander words the refusal ("option ... argument ... is invalid."). */
function wholeNumber(v: string): string {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError("Not a whole number.");
  return v;
}

/** A seed: any whole number, negative included. */
function seedNumber(v: string): string {
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError("Not a whole number.");
  return v;
}

/** A port: 0 to 65535. */
function portNumber(v: string): string {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError("Not a port (0 to 65535).");
  return v;
}

/** A number ≥ 0 (decimals allowed). */
function nonNegative(v: string): string {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("Not a number of 0 or more.");
  return v;
}

/** A number > 0 (decimals allowed). */
function positive(v: string): string {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("Not a number greater than 0.");
  return v;
}

/** NODESxPODS, e.g. 100x3000; collected into a list. */
function sizeList(v: string, previous: string[] | undefined): string[] {
  if (!/^\d+x\d+$/.test(v)) throw new InvalidArgumentError("Not NODESxPODS (e.g. 100x3000).");
  return [...(previous ?? []), v];
}

export interface IO {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Runs the CLI with argv (as process.argv); resolves to the exit code. */
export async function main(argv: string[], io: IO = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  const program = new Command();
  let code = 0;
  program.name("podflow").description("An executable reference model of how Kubernetes creates, runs and deletes a Pod.").exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program
    .command("simulate")
    .description("apply manifests to a simulated cluster, run to settle, print it like kubectl get")
    .requiredOption("-f, --filename <files...>", "manifest files (YAML or JSON, many documents); - reads stdin")
    .option("--nodes <n>", "number of nodes", wholeNumber, "3")
    .option("--seed <s>", "seed of every random choice", seedNumber, "1")
    .addOption(new Option("-o, --output <format>", "output format").choices(["wide", "yaml", "json"]))
    .option("--advance <seconds>", "after settling, let this much simulated time pass (probes, restarts, back-offs)", nonNegative, "0")
    .option("--trace <file>", "write the trace as JSON lines")
    .option("--trace-diagram <file>", "write the run as a Mermaid sequence diagram")
    .action(async (opts) => {
      code = await simulate(opts.filename, opts, io);
    });
  program
    .command("serve")
    .description("serve the Kubernetes REST API of a live simulated cluster for kubectl; writes a kubeconfig")
    .option("--port <p>", "port to listen on (0 picks a free one)", portNumber, "6443")
    .option("--nodes <n>", "number of nodes", wholeNumber, "3")
    .option("--seed <s>", "seed of every random choice", seedNumber, "1")
    .option("--speed <x>", "simulated milliseconds per wall-clock millisecond", positive, "1")
    .option("--kubeconfig <file>", "where to write the kubeconfig", "./podflow.kubeconfig")
    .option("--token <token>", "the admin bearer token (default: a random one at every start)")
    .action(async (opts) => {
      const { serveCommand } = await import("./server/serve.js");
      code = await serveCommand(opts, io);
    });
  program
    .command("check")
    .description("fuzz every invariant over random interleavings, workloads and faults (safety, then liveness)")
    .option("--seeds <n>", "number of runs", wholeNumber, "20")
    .option("--seed <s>", "seed of the whole check (default: from the clock, printed first)", seedNumber)
    .option("--steps <k>", "steps of the safety phase of each run", wholeNumber, "2000")
    .option("--faults <list>", "comma-separated fault names, all or none", "all")
    .option("--scenario <name>", "an examples/ manifest or random", "random")
    .option("--time-box <seconds>", "stop starting new runs after this long", nonNegative)
    .option("--save <dir>", "where a counterexample is written", ".")
    .action(async (opts) => {
      const { checkCommand } = await import("../properties/commands.js");
      code = checkCommand(opts, io);
    });
  program
    .command("replay <seed-or-file>")
    .description("re-run a recorded run (a counterexample file, or a seed) exactly and re-check it")
    .option("--scenario <name>", "scenario of a seed", "random")
    .option("--steps <k>", "steps of a seed's safety phase", wholeNumber, "2000")
    .option("--faults <list>", "faults of a seed", "all")
    .option("--trace-diagram <file>", "write the run as a Mermaid sequence diagram")
    .action(async (arg: string, opts) => {
      const { replayCommand } = await import("../properties/commands.js");
      code = replayCommand(arg, opts, io);
    });
  program
    .command("explore <scenario>")
    .description("explore every interleaving of a small scenario breadth-first; print the shortest counterexample")
    .option("--depth <d>", "bound on the length of a path", wholeNumber, "12")
    .option("--max-states <n>", "bound on distinct states", wholeNumber, "20000")
    .option("--seed <s>", "seed of the cluster", seedNumber, "1")
    .action(async (scenario: string, opts) => {
      const { exploreCommand } = await import("../properties/commands.js");
      code = exploreCommand(scenario, opts, io);
    });
  program
    .command("bench")
    .description("benchmark: Deployments to Running with endpoints on the simulated clock, the pure baseline, scheduler throughput")
    .option("--quick", "the smallest size only (100 nodes x 3000 pods) and a short scheduler run")
    .option("--sizes <sizes...>", "NODESxPODS sizes, e.g. 100x3000 1000x30000", sizeList)
    .option("--scheduler-pods <n>", "pods for the 5000-node scheduler throughput run (0 skips it)", wholeNumber)
    .option("--seed <s>", "seed of every random choice", seedNumber, "1")
    .option("--no-checker", "skip the check steps/s and explore states/s lines")
    .option("--memory", "after each size, the estimated memory each component's state retains")
    .action(async (opts: { quick?: boolean; sizes?: string[]; schedulerPods?: string; seed: string; checker: boolean; memory?: boolean }) => {
      const { runBench, header } = await import("../bench/index.js");
      io.out(header);
      await runBench({ quick: opts.quick, sizes: opts.sizes, seed: Number(opts.seed), checker: opts.checker, memory: opts.memory, ...(opts.schedulerPods !== undefined ? { schedulerPods: Number(opts.schedulerPods) } : {}) }, io.out);
    });
  program
    .command("docs")
    .description("regenerate the docs: statecharts of every machine and flows of seeded runs")
    .option("--out <dir>", "output directory", "docs")
    .action(async (opts) => {
      const { generateDocs } = await import("./docs/generate.js");
      const files = await generateDocs(opts.out);
      io.err(`wrote ${files.length} files under ${opts.out}`);
    });
  program
    .command("describe")
    .description("describe a part of the model")
    .command("machine <name>")
    .description("print a machine's states and transitions (the component name: etcd, apiserver, scheduler, kubelet...)")
    .option("--diagram", "draw boxes instead of the indented tree")
    .action(async (name: string, opts: { diagram?: boolean }) => {
      const { findMachine } = await import("./docs/generate.js");
      const { machineAscii } = await import("./docs/statechart.js");
      const found = await findMachine(name);
      if (!found.machine) {
        io.err(`error: unknown machine "${name}"; known machines: ${found.names.join(", ")}`);
        code = 2;
        return;
      }
      io.out(machineAscii(found.machine, { style: opts.diagram ? "diagram" : "tree" }).trimEnd());
    });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ApiError) {
      io.err(`Error from server (${e.status.reason}): ${e.message}`);
      return 1;
    }
    throw e;
  }
  return code;
}
