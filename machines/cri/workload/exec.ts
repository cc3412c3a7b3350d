// Commands run by `kubectl exec` (CRI Exec): a process started beside the container's own, in
// its filesystem with its env, with stdin given and stdout and stderr kept apart. With a
// terminal and a shell to run, the exec is an interactive shell: it reads one line at a time,
// its variables and directory carried from line to line as a value between steps.

import type { ImageInfo } from "../registry.js";
import { isRunnable, shellFor } from "./index.js";
import type { ProgramContext } from "./images.js";
import { LoopBoundExceeded, runArgv, runScript, shellPrefix, type Gen, type ShellState, type Streams } from "./shell.js";
import { ExitSignal, type Effect, type EffectResult, type ProcessIO } from "./types.js";
import { redisReplLine, replPrompt } from "./redis.js";

/** An interactive shell between lines: what it keeps (a value). */
export interface ShellSnapshot {
  /** redis-cli: its REPL (repl() in redis-cli.c), each line a command to the server */
  readonly name: "sh" | "bash" | "redis-cli";
  /** redis-cli's connection options (-h, -p), given again for each line */
  readonly options?: readonly string[];
  readonly userland: "busybox" | "gnu";
  readonly cwd: string;
  readonly vars: readonly (readonly [string, string])[];
  readonly exported: readonly string[];
  readonly status: number;
}

function programContext(image: ImageInfo, io: ProcessIO, bound?: (port: number) => boolean, tty = false): ProgramContext {
  return { image, listeners: new Map(), startedAt: io.now(), ports: [], exec: true, ...(bound !== undefined ? { bound } : {}), ...(tty ? { tty: true } : {}) };
}

/** runc's error when an exec'd executable does not exist (the exec never starts). */
export function execStartError(program: string): string {
  return `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown`;
}

/** Runs a process's body: `exit` and the loop bound become its status. */
function* statusOf(body: Gen, sh: ShellState, st: Streams): Gen {
  try {
    return yield* body;
  } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    if (e instanceof LoopBoundExceeded) {
      st.err(`${shellPrefix(sh)}${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** The exec'd process for argv, or the reason it cannot start (nothing by that name in the image). */
export function execProcess(argv: readonly string[], io: ProcessIO, image: ImageInfo, st: Streams, bound?: (port: number) => boolean, tty = false): { run: Gen } | { startError: string } {
  const ctx = programContext(image, io, bound, tty);
  const sh = shellFor(io, ctx);
  if (argv.length === 0 || !isRunnable([...argv], sh, ctx)) return { startError: execStartError(argv[0] ?? "") };
  // the process gets the container's env, and HOME as runc sets it; PWD is a shell's, not the runtime's
  if (!Object.hasOwn(io.env, "PWD")) sh.exported.delete("PWD");
  if (!sh.vars.has("HOME")) {
    sh.vars.set("HOME", "/root");
    sh.exported.add("HOME");
  }
  return { run: statusOf(runArgv([...argv], sh, st, true), sh, st) };
}

const shellNames = new Set(["sh", "ash", "dash", "bash"]);

/** The interactive shell a terminal exec of argv starts (a shell with no script or -c), if the image has it. */
export function interactiveShell(argv: readonly string[], image: ImageInfo): ShellSnapshot | undefined {
  const name = (argv[0] ?? "").slice((argv[0] ?? "").lastIndexOf("/") + 1);
  // redis-cli with no command starts its REPL (redis-cli.c main: argc == 0)
  if (name === "redis-cli" && image.kind === "redis") {
    const options = replOptions(argv.slice(1));
    return options && { name: "redis-cli", options, userland: "gnu", cwd: "/data", vars: [], exported: [], status: 0 };
  }
  if (!shellNames.has(name) || argv.slice(1).some((a) => !/^-[a-zA-Z]*$/.test(a) || a.includes("c"))) return undefined;
  if (image.userland === "none" || (name === "bash" && image.userland !== "gnu")) return undefined;
  return { name: name === "bash" ? "bash" : "sh", userland: image.userland === "gnu" ? "gnu" : "busybox", cwd: "/", vars: [], exported: [], status: 0 };
}

function restore(snap: ShellSnapshot, io: ProcessIO, image: ImageInfo): ShellState {
  const sh = shellFor(io, programContext(image, io));
  sh.shellName = snap.name;
  sh.interactive = true;
  if (snap.vars.length > 0) {
    sh.vars = new Map(snap.vars.map(([k, v]) => [k, v]));
    sh.exported = new Set(snap.exported);
  }
  sh.cwd = snap.cwd;
  sh.vars.set("PWD", snap.cwd);
  sh.status = snap.status;
  return sh;
}

function snapshotOf(sh: ShellState, snap: ShellSnapshot): ShellSnapshot {
  return { name: snap.name, userland: snap.userland, cwd: sh.cwd, vars: [...sh.vars], exported: [...sh.exported], status: sh.status };
}

/** redis-cli's arguments when they are connection options only (the REPL), else undefined. */
function replOptions(args: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === "-h" || a === "-p" || a === "-n") && i + 1 < args.length) out.push(a, args[++i]!);
    else if (a === "--raw" || a === "--no-raw") out.push(a);
    else return undefined;
  }
  return out;
}

/** One line typed at the shell: run, then the shell as it is after it (or its exit status when it exited). */
export function* shellLine(line: string, snap: ShellSnapshot, io: ProcessIO, image: ImageInfo, st: Streams): Generator<Effect, { snap: ShellSnapshot; exited?: number }, EffectResult> {
  if (snap.name === "redis-cli") {
    const sh = shellFor(io, programContext(image, io));
    const r = yield* redisReplLine(line, snap.options ?? [], sh, st);
    return r === "quit" ? { snap, exited: 0 } : { snap };
  }
  const sh = restore(snap, io, image);
  try {
    yield* runScript(line, sh, st);
  } catch (e) {
    if (e instanceof ExitSignal) {
      // bash says it is leaving; the terminal shows it
      if (snap.name === "bash") st.err("exit\n");
      return { snap: snapshotOf(sh, snap), exited: e.code };
    }
    if (!(e instanceof LoopBoundExceeded)) throw e;
    st.err(`${shellPrefix(sh)}${e.message}\n`);
    sh.status = 2;
  }
  return { snap: snapshotOf(sh, snap) };
}

/**
 * The prompt: Debian's bash `root@<hostname>:<dir># `, dash `# `, busybox ash `<dir> # ` (home
 * shown as ~); dash's and ash's `#` is `$` for a user not root (dash's PS1, ash's \$).
 */
export function promptOf(snap: ShellSnapshot, hostname: string, uid = 0): string {
  if (snap.name === "redis-cli") return replPrompt(snap.options ?? []);
  const home = new Map(snap.vars).get("HOME") ?? "/root";
  const dir = snap.cwd === home ? "~" : snap.cwd.startsWith(home + "/") ? `~${snap.cwd.slice(home.length)}` : snap.cwd;
  if (snap.name === "bash") return `root@${hostname}:${dir}# `;
  const sign = uid === 0 ? "#" : "$";
  if (snap.userland === "gnu") return `${sign} `;
  return `${dir} ${sign} `;
}
