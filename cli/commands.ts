// One function per subcommand: each adds its command, options and action to the program. The
// heavier parts (the API server, the property checkers, the benchmarks, the docs generator) are
// loaded only by the subcommand that runs them.

import { Option, type Command } from "commander";
import { countNumber, nonNegative, portNumber, positive, seedNumber, shardSpec, sizeList, userList, wholeNumber } from "./options.js";
import { simulate } from "./simulate.js";
import { interpreters, setDefaultInterpreter, type Interpreter } from "../runtime/fastpath.js";
import type { ExitCode, IO } from "./io.js";

/**
 * --interpreter on a command that runs machines: the fast path compiled from each machine's
 * definition (the default), or XState's interpreter, the reference it is tested against.
 */
function withInterpreter(command: Command): Command {
  return command
    .addOption(new Option("--interpreter <name>", "what steps the machines: the compiled fast path, or XState's interpreter (the reference)").choices([...interpreters]).default("fast"))
    .hook("preAction", (self) => setDefaultInterpreter(self.opts().interpreter as Interpreter));
}

/** `podflow simulate -f FILE...`. */
export function addSimulate(program: Command, io: IO, exit: ExitCode): void {
  withInterpreter(program.command("simulate"))
    .description("apply manifests to a simulated cluster, run to settle, print it like kubectl get")
    .requiredOption("-f, --filename <files...>", "manifest files (YAML or JSON, many documents); - reads stdin")
    .option("--nodes <n>", "number of nodes", wholeNumber, "3")
    .option("--seed <s>", "seed of every random choice", seedNumber, "1")
    .addOption(new Option("-o, --output <format>", "output format").choices(["wide", "yaml", "json"]))
    .option("--advance <seconds>", "after settling, let this much simulated time pass (probes, restarts, back-offs)", nonNegative, "0")
    .option("--trace <file>", "write the trace as JSON lines")
    .option("--trace-diagram <file>", "write the run as a Mermaid sequence diagram")
    .option("--etcd-quota-backend-bytes <bytes>", "etcd's space quota: past it etcd raises NOSPACE and refuses writes (0: etcd's default, 2 GiB)", wholeNumber, "0")
    .action(async (opts) => {
      exit.code = await simulate(opts.filename, opts, io);
    });
}

/** `podflow serve`. */
export function addServe(program: Command, io: IO, exit: ExitCode): void {
  withInterpreter(program.command("serve"))
    .description("serve the Kubernetes REST API of a live simulated cluster for kubectl; writes a kubeconfig")
    .option("--port <p>", "port to listen on (0 picks a free one)", portNumber, "6443")
    .option("--nodes <n>", "number of nodes", wholeNumber, "3")
    .option("--seed <s>", "seed of every random choice", seedNumber, "1")
    .option("--speed <x>", "simulated milliseconds per wall-clock millisecond", positive, "1")
    .option("--kubeconfig <file>", "where to write the kubeconfig", "./podflow.kubeconfig")
    .option("--token <token>", "the admin bearer token (default: a random one at every start)")
    .option("--user <name:groups>", "another user, in these groups (comma-separated), with its own token and context NAME@podflow in the kubeconfig; repeatable", userList)
    .option("--etcd <url>", "keep the objects in a real etcd (http://127.0.0.1:2379), so a restart finds them")
    .option("--etcd-quota-backend-bytes <bytes>", "etcd's space quota: past it etcd raises NOSPACE and refuses writes (0: etcd's default, 2 GiB)", wholeNumber, "0")
    .option("--no-addons", "without kubeadm's addons as pods in kube-system (CoreDNS, kube-proxy; the kube-dns Service then has no endpoints)")
    .option("--ip-family <family>", "kind's networking.ipFamily: ipv4, ipv6 (pod subnet fd00:10:244::/56, service subnet fd00:10:96::/112), or dual (IPv4 first: pod subnets 10.244.0.0/16 and fd00:10:244::/56, service subnets 10.96.0.0/16 and fd00:10:96::/112)", "ipv4")
    .option("--ui", "also serve the live view in the browser at /ui/ on the same port (its URL is printed)")
    .action(async (opts) => {
      const { serveCommand } = await import("../runtime/server/serve.js");
      const mount = opts.ui ? (await import("../ui/mount.js")).mountLiveView : undefined;
      exit.code = await serveCommand(opts, io, undefined, mount);
    });
}

/** `podflow view TRACE`. */
export function addView(program: Command, io: IO, exit: ExitCode): void {
  program
    .command("view <trace>")
    .description("play a trace recorded by simulate --trace in the browser (the live view's page, read-only)")
    .option("--port <p>", "port to listen on, on the loopback (0 picks a free one)", portNumber, "8001")
    .action(async (trace: string, opts: { port: string }) => {
      const { readFileSync } = await import("node:fs");
      const { serveTrace } = await import("../ui/mount.js");
      let text: string;
      try {
        text = readFileSync(trace, "utf8");
      } catch (e) {
        io.err(`error: cannot read ${trace}: ${(e as Error).message}`);
        exit.code = 1;
        return;
      }
      const server = await serveTrace(text, { port: Number(opts.port) });
      io.out(`podflow: playing ${trace} at ${server.url} (paused: press play or step)`);
      await new Promise<void>((done) => {
        process.once("SIGINT", () => done());
        process.once("SIGTERM", () => done());
      });
      await server.close();
    });
}

/** `podflow check`. */
export function addCheck(program: Command, io: IO, exit: ExitCode): void {
  withInterpreter(program.command("check"))
    .description("fuzz every invariant over random interleavings, workloads and faults (safety, then liveness)")
    .option("--seeds <n>", "number of runs", wholeNumber, "20")
    .option("--seed <s>", "seed of the whole check (default: from the clock, printed first)", seedNumber)
    .option("--steps <k>", "steps of the safety phase of each run", wholeNumber, "2000")
    .option("--faults <list>", "comma-separated fault names, all or none", "all")
    .option("--scenario <name>", "an examples/ manifest or random", "random")
    .option("--time-box <seconds>", "stop starting new runs after this long", nonNegative)
    .option("--save <dir>", "where a counterexample is written (with --merge: the shrunk run of each violation)", ".")
    .option("--shard <i/n>", "a campaign: run only the i-th (from 0) of n disjoint parts of its runs (needs --seed)", shardSpec)
    .option("--workers <k>", "a campaign in k worker threads of this process", countNumber)
    .option("--out <dir>", "a campaign: write its JSON result to dir (shard-I-of-N.json)")
    .option("--shrink-runs <n>", "a campaign: runs spent shrinking each violating run", wholeNumber)
    .option("--exit-zero", "a campaign: exit 0 on a violation too (a Job's shard; --merge decides)")
    .option("--merge <paths...>", "merge campaign results (JSON files, directories, logs with result lines; - is stdin) into one report")
    .action(async (opts, cmd: Command) => {
      const { checkCommand, campaignCommand, isCampaign, mergeCommand } = await import("../properties/commands.js");
      if (opts.merge) exit.code = mergeCommand(opts.merge, { out: opts.out, save: opts.save }, io);
      // A campaign's counterexamples travel in its result; files only where --save says (a Job's pod may not write to its working directory).
      else if (isCampaign(opts)) exit.code = await campaignCommand({ ...opts, save: cmd.getOptionValueSource("save") === "cli" ? opts.save : undefined }, io);
      else exit.code = checkCommand(opts, io);
    });
}

/** `podflow campaign manifest`. */
export function addCampaign(program: Command, io: IO, exit: ExitCode): void {
  program
    .command("campaign")
    .description("run a fuzz campaign elsewhere")
    .command("manifest")
    .description("print a Kubernetes batch/v1 Indexed Job whose pod I runs `podflow check --shard I/N` of the campaign")
    .requiredOption("--shards <n>", "number of shards (the Job's completions)", countNumber)
    .requiredOption("--seed <s>", "seed of the campaign", seedNumber)
    .option("--time-box <seconds>", "each shard stops starting runs after this long", nonNegative)
    .option("--image <image>", "the image built from docker/Dockerfile (default podflow:VERSION)")
    .option("--seeds <n>", "runs in the whole campaign", wholeNumber, "100000")
    .option("--steps <k>", "steps of the safety phase of each run", wholeNumber, "3000")
    .option("--faults <list>", "comma-separated fault names, all or none", "all")
    .option("--scenario <name>", "an examples/ manifest or random", "random")
    .option("--parallelism <p>", "pods running at once (default: all shards)", countNumber)
    .option("--workers <k>", "worker threads (and cpus requested) per pod", countNumber)
    .option("--shrink-runs <n>", "runs spent shrinking each violating run", wholeNumber)
    .option("--name <name>", "the Job's name (default podflow-fuzz-SEED)")
    .action(async (opts) => {
      const { manifestCommand } = await import("../properties/commands.js");
      exit.code = manifestCommand(opts, io);
    });
}

/** `podflow replay SEED_OR_FILE`. */
export function addReplay(program: Command, io: IO, exit: ExitCode): void {
  withInterpreter(program.command("replay <seed-or-file>"))
    .description("re-run a recorded run (a counterexample file, or a seed) exactly and re-check it")
    .option("--scenario <name>", "scenario of a seed", "random")
    .option("--steps <k>", "steps of a seed's safety phase", wholeNumber, "2000")
    .option("--faults <list>", "faults of a seed", "all")
    .option("--trace-diagram <file>", "write the run as a Mermaid sequence diagram")
    .action(async (arg: string, opts) => {
      const { replayCommand } = await import("../properties/commands.js");
      exit.code = replayCommand(arg, opts, io);
    });
}

/** `podflow explore SCENARIO`. */
export function addExplore(program: Command, io: IO, exit: ExitCode): void {
  withInterpreter(program.command("explore <scenario>"))
    .description("explore every interleaving of a small scenario breadth-first; print the shortest counterexample")
    .option("--depth <d>", "bound on the length of a path", wholeNumber, "12")
    .option("--max-states <n>", "bound on distinct states", wholeNumber, "20000")
    .option("--seed <s>", "seed of the cluster", seedNumber, "1")
    .action(async (scenario: string, opts) => {
      const { exploreCommand } = await import("../properties/commands.js");
      exit.code = exploreCommand(scenario, opts, io);
    });
}

/** `podflow bench`. */
export function addBench(program: Command, io: IO): void {
  withInterpreter(program.command("bench"))
    .description("benchmark: Deployments to Running with endpoints on the simulated clock, the pure baseline, scheduler throughput")
    .option("--quick", "the smallest size only (100 nodes x 3000 pods) and a short scheduler run")
    .option("--sizes <sizes...>", "NODESxPODS sizes, e.g. 100x3000 1000x30000", sizeList)
    .option("--scheduler-pods <n>", "pods for the 5000-node scheduler throughput run (0 skips it)", wholeNumber)
    .option("--seed <s>", "seed of every random choice", seedNumber, "1")
    .option("--no-checker", "skip the check steps/s and explore states/s lines")
    .option("--memory", "after each size, the estimated memory each component's state retains")
    .option("--ui", "instead: the live view's responsiveness in headless chromium (the first size only; needs playwright-core)")
    .option("--synthetic", "with --ui: feed the page made-up batches of that size instead of running the cluster (the page alone)")
    .action(async (opts: { quick?: boolean; sizes?: string[]; schedulerPods?: string; seed: string; checker: boolean; memory?: boolean; ui?: boolean; synthetic?: boolean }) => {
      if (opts.ui) {
        const { runUiBench, formatUiBench } = await import("../bench/ui.js");
        const [n, p] = opts.sizes?.[0] ? opts.sizes[0].split("x").map(Number) : [100, 3_000];
        io.out(formatUiBench(await runUiBench(n, p, { progress: (s) => io.err(s), synthetic: opts.synthetic ?? false, ...(process.env.PODFLOW_SCREENSHOT ? { screenshot: process.env.PODFLOW_SCREENSHOT } : {}) })));
        return;
      }
      const { runBench, header } = await import("../bench/index.js");
      const { missingBenchFlags } = await import("../bench/measure.js");
      const note = missingBenchFlags();
      if (note !== undefined) io.err(note);
      io.out(header);
      await runBench({ quick: opts.quick, sizes: opts.sizes, seed: Number(opts.seed), checker: opts.checker, memory: opts.memory, ...(opts.schedulerPods !== undefined ? { schedulerPods: Number(opts.schedulerPods) } : {}) }, io.out);
    });
}

/** `podflow docs`. */
export function addDocs(program: Command, io: IO): void {
  program
    .command("docs")
    .description("regenerate the docs: statecharts of every machine and flows of seeded runs")
    .option("--out <dir>", "output directory", "docs")
    .action(async (opts) => {
      const { generateDocs } = await import("../runtime/docs/generate.js");
      const files = await generateDocs(opts.out);
      io.err(`wrote ${files.length} files under ${opts.out}`);
    });
}

/** `podflow describe machine NAME`. */
export function addDescribe(program: Command, io: IO, exit: ExitCode): void {
  program
    .command("describe")
    .description("describe a part of the model")
    .command("machine <name>")
    .description("print a machine's states and transitions (the component name: etcd, apiserver, scheduler, kubelet...)")
    .option("--diagram", "draw boxes instead of the indented tree")
    .action(async (name: string, opts: { diagram?: boolean }) => {
      const { findMachine } = await import("../runtime/docs/generate.js");
      const { machineAscii } = await import("../runtime/docs/statechart.js");
      const found = await findMachine(name);
      if (!found.machine) {
        io.err(`error: unknown machine "${name}"; known machines: ${found.names.join(", ")}`);
        exit.code = 2;
        return;
      }
      io.out(machineAscii(found.machine, { style: opts.diagram ? "diagram" : "tree" }).trimEnd());
    });
}
