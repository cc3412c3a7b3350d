// Entry points the CRI drives: a container's main process and exec'd commands
// (exec probes, kubectl exec), each a generator of effects run in simulated time.
import type { ProcessUser } from "../identity.js";
import type { ImageInfo } from "../registry.js";
import { copyEnvInto, type EnvParts } from "../messages.js";
import { utilitiesFor } from "./commands.js";
import { createRootfs, isRunnable, programsFor, type ProgramContext } from "./images.js";
import { MemFS, type FileSystem } from "./memfs.js";
import { LoopBoundExceeded, emptyEnv, newShell, runArgv, shellPrefix, type Gen, type ShellState, type Streams } from "./shell.js";
import { ExitSignal, type Effect, type EffectResult, type Listener, type Process, type ProcessIO } from "./types.js";
import { layeredEnv, type LayeredVars } from "./vars.js";

export { MemFS, createRootfs, isRunnable };
export type { Effect, EffectResult, Listener, Process, ProcessIO };
export type { DnsResult, HttpResult, ListenerRequest } from "./types.js";

/** The argv a container runs, by Kubernetes' rules: command replaces ENTRYPOINT (and drops CMD); args replace CMD. */
export function effectiveArgv(image: Pick<ImageInfo, "entrypoint" | "cmd">, command?: string[], args?: string[]): string[] {
  if (command && command.length > 0) return [...command, ...(args ?? [])];
  return [...image.entrypoint, ...(args && args.length > 0 ? args : image.cmd)];
}

/** Splits written text into lines for the container log; a trailing partial line waits for flush. */
function lineWriter(emit: (line: string) => void): { write(t: string): void; flush(): void } {
  let pending = "";
  return {
    write(t) {
      pending += t;
      let nl = pending.indexOf("\n");
      while (nl >= 0) { emit(pending.slice(0, nl)); pending = pending.slice(nl + 1); nl = pending.indexOf("\n"); }
    },
    flush() { if (pending) { emit(pending); pending = ""; } },
  };
}

/** containerd's error when the container's executable does not exist (the kubelet reports StartError, exit code 128). */
export function startErrorMessage(program: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${program}": executable file not found in $PATH: unknown`;
}

/** Runs argv to completion with line-buffered logs; `exit`, the loop bound and start failures become exit codes. */
function* runProcess(argv: string[], sh: ShellState, io: ProcessIO): Gen {
  const out = lineWriter((l) => io.stdout(l));
  const err = lineWriter((l) => io.stderr(l));
  const st: Streams = { stdin: "", out: (t) => out.write(t), err: (t) => err.write(t) };
  try {
    return yield* runArgv(argv, sh, st, true);
  } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    if (e instanceof LoopBoundExceeded) { st.err(`${shellPrefix(sh)}${e.message}\n`); return 2; }
    throw e;
  } finally {
    out.flush();
    err.flush();
  }
}


export function shellFor(io: ProcessIO, ctx: ProgramContext, vars?: LayeredVars): ShellState {
  const userland = ctx.image.userland === "gnu" ? "gnu" : "busybox";
  return newShell(io, { shellName: "sh", userland, utilities: ctx.image.userland === "none" ? {} : utilitiesFor(userland, { legacyBusybox: isLegacyBusybox(ctx.image.ref), appletsInBin: ctx.image.base === "busybox" }), programs: programsFor(ctx), ...(vars ? { vars } : {}) });
}

/** Object.assign(to, from) for string-valued records: every own enumerable key of `from`, in its order. */
function copyOwn(to: Record<string, string>, from: Readonly<Record<string, string>>): void {
  for (const k in from) if (Object.hasOwn(from, k)) to[k] = from[k]!;
}

/** Starts a container's main process: its argv from command/args and the image, its listeners filled as it starts serving. */
export function startContainer(
  spec: { image: ImageInfo; command?: string[]; args?: string[]; env: Readonly<Record<string, string>> | EnvParts; fs: FileSystem; ports?: number[]; terminal?: boolean; user?: ProcessUser; home?: string },
  io: ProcessIO,
): Process {
  // Kept as parts, the environment's Service variables stay shared: the shell lays its variables
  // over them (layeredEnv) and no record is built.
  const vars = layeredEnv(spec.image.env, spec.env);
  let env: Readonly<Record<string, string>> = emptyEnv;
  if (vars === undefined) {
    // Copied key by key, not spread nor Object.assign: with the hundreds of Service variables of a
    // large cluster V8 is ~50x (a spread) and ~3x (Object.assign) slower (measured); a null
    // prototype keeps a variable named __proto__ a variable.
    const record: Record<string, string> = Object.create(null);
    copyOwn(record, spec.image.env);
    copyEnvInto(record, spec.env);
    env = record;
  }
  // command and args come expanded: the kubelet replaced their $(VAR) references (ExpandContainerCommandAndArgs).
  const argv = effectiveArgv(spec.image, spec.command, spec.args);
  const listeners = new Map<number, Listener>();
  const ctx: ProgramContext = { image: spec.image, listeners, startedAt: io.now(), ports: spec.ports ?? [], ...(spec.terminal ? { terminal: true } : {}) };
  const pwdGiven = vars !== undefined ? vars.has("PWD") : Object.hasOwn(env, "PWD");
  const sh = shellFor({ ...io, env, fs: spec.fs, ...(spec.user ? { user: spec.user } : {}) }, ctx, vars);
  // runc sets no PWD: the process has one only from the pod or the image (a shell exports its own)
  if (!pwdGiven) sh.exported.delete("PWD");
  // runc's init sets HOME from the user's passwd entry where the env has none (setupUser)
  if (spec.home !== undefined && !sh.vars.has("HOME")) {
    sh.vars.set("HOME", spec.home);
    sh.exported.add("HOME");
  }
  if (argv.length === 0 && spec.image.kind !== "generic") {
    return { run: (function* (): Gen { return 128; })(), listeners, startError: "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: no command specified: unknown" };
  }
  const effective = argv.length === 0 ? ["app"] : argv;
  if (!isRunnable(effective, sh, ctx)) {
    return { run: (function* (): Gen { return 128; })(), listeners, startError: startErrorMessage(effective[0]!) };
  }
  return { run: runProcess(effective, sh, sh.io), listeners };
}

/** Runs a command inside a running container (exec probe, kubectl exec); a missing executable exits 127 with runc's message. */
export function* runExec(argv: string[], io: ProcessIO, image?: ImageInfo): Gen {
  const img: ImageInfo = image ?? { ref: "", name: "", repoTags: [], repoDigests: [], imageID: "", id: "", sizeBytes: 0, entrypoint: [], cmd: [], env: {}, kind: "shell", userland: "busybox" };
  const ctx: ProgramContext = { image: img, listeners: new Map(), startedAt: io.now(), ports: [], exec: true };
  const sh = shellFor(io, ctx);
  if (argv.length === 0 || !isRunnable(argv, sh, ctx)) {
    io.stderr(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0] ?? ""}": executable file not found in $PATH: unknown`);
    return 127;
  }
  return yield* runProcess(argv, sh, io);
}

/** busybox 1.28 and older: the nslookup applet of Kubernetes' DNS debugging docs. */
export function isLegacyBusybox(ref: string): boolean {
  const m = /\/busybox:1\.(\d+)/.exec(ref);
  return m !== null && Number(m[1]) <= 28;
}
