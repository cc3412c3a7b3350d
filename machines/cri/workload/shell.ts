// The shell interpreter: runs a parsed script as a generator of effects, so a loop with
// `sleep 5` takes five simulated seconds per turn and a server command blocks on `wait`.
import { condCharLength, parseScript, quotedLength, ShellSyntaxError, substitutionLength, type Command, type List, type Pipeline, type Redir, type SimpleCommand } from "./parse.js";
import { resolvePath } from "./memfs.js";
import { ExitSignal, type Effect, type EffectResult, type Pipe, type ProcessIO } from "./types.js";
import type { Userland } from "../registry.js";
import { copyNames, copyVars, LayeredVars } from "./vars.js";

export type Gen = Generator<Effect, number, EffectResult>;

/** Where a command reads and writes. */
export interface Streams {
  stdin: string;
  /** stdin as a pipe `read` takes lines from (a pipeline's or a `<` redirect's); absent: the container's */
  pipe?: Pipe;
  out(text: string): void;
  err(text: string): void;
}

/** A program outside the shell (nginx, /agnhost, stress): returns undefined when no such program exists. */
export type ProgramLookup = (argv: string[], sh: ShellState, st: Streams) => Gen | undefined;

/** A utility the shell runs in-process (echo, cat, sleep ...). */
export type Utility = (argv: string[], sh: ShellState, st: Streams) => Gen;

/** Interpreter state for one shell process. */
export interface ShellState {
  io: ProcessIO;
  vars: Map<string, string>;
  exported: Set<string>;
  positional: string[]; // $0, $1 ...
  status: number;
  cwd: string;
  shellName: string; // "sh" or "bash": error messages start with it
  userland: Userland;
  utilities: Record<string, Utility>;
  programs: ProgramLookup;
  turnsWithoutBlocking: number;
  line: number;
  substitutions: number; // command substitutions run so far: an assignment-only command takes the last one's status
  /** reading commands typed at a terminal (kubectl exec -it): bash then names no line in its errors */
  interactive?: boolean;
  /** while a command of a pipeline runs: every command's argv (the shell forked them all) and its place among them */
  pipeline?: { readonly argvs: readonly (readonly string[])[]; readonly index: number };
  /** background jobs (`cmd &`) parked at a blocking effect: `wait` runs them on until they end */
  jobs?: readonly BackgroundJob[];
  /** trap's commands by signal number */
  traps?: ReadonlyMap<number, string>;
  /** how deep in subshells and background jobs the shell runs now: their traps are theirs, not PID 1's */
  forkDepth?: number;
  /** the last background job ($!) and the pids of jobs once $! named them */
  lastJob?: Gen;
  jobPids?: ReadonlyMap<Gen, number>;
  /** trapped signals that arrived and whose commands have not run yet (ash's pending_sig) */
  pendingSignals?: readonly number[];
  /** `set -e`: a failing command ends the shell (outside conditions and all but an and-or list's last) */
  errexit?: boolean;
  /** `set -x`: each simple command is written to stderr after expansion, behind PS4 */
  xtrace?: boolean;
  /** how many if/while/until conditions the shell is evaluating now: errexit is ignored there */
  conditions?: number;
  /** how many command substitutions deep the shell runs now: bash repeats PS4's first character for each */
  substitutionDepth?: number;  /** how many shell processes (`sh -c` inside `sh -c`) run in this state now: each nested one is a child of the last */
  shellDepth?: number;
}

/** A background job stopped at what it blocks on: a sleep until wakeAt (ms, io.now()), the container's end, or a pipe. */
interface BackgroundJob {
  run: Gen;
  wakeAt?: number;
  blocked?: "wait" | Pipe;
}

/** Loop turns allowed without any effect that takes time; beyond it the script fails by name. */
export const maxTurnsWithoutBlocking = 10_000;

/** Thrown when a script spins without ever sleeping or waiting. */
export class LoopBoundExceeded extends Error {
  constructor() { super(`loop bound exceeded: ${maxTurnsWithoutBlocking} iterations without sleeping or waiting`); }
}

class LoopControl {
  constructor(readonly kind: "break" | "continue", public levels: number) {}
}

/**
 * Yields an effect to the CRI; any effect that takes time resets the busy-loop counter. A trapped
 * signal arriving meanwhile is kept for its trap: an interruptible wait (the wait builtin) returns
 * it at once; anything else goes on (ash waits for its foreground child before running a trap).
 */
export function* perform(sh: ShellState, effect: Effect, interruptible = false): Generator<Effect, EffectResult, EffectResult> {
  if (effect.type !== "sleep" || effect.ms > 0) sh.turnsWithoutBlocking = 0;
  const start = effect.type === "sleep" ? sh.io.now() : 0;
  let r = yield effect;
  while (r?.type === "interrupt") {
    sh.pendingSignals = [...(sh.pendingSignals ?? []), r.signal];
    if (interruptible) return r;
    if (effect.type === "sleep") {
      const rest = start + effect.ms - sh.io.now();
      if (rest <= 0) return undefined;
      r = yield { type: "sleep", ms: rest };
    } else if (effect.type === "wait" || effect.type === "input") r = yield effect;
    else return undefined;
  }
  return r;
}

/** Runs the commands of the trapped signals that arrived (ash's dotrap); $? is kept across them. */
function* runTraps(sh: ShellState, st: Streams): Gen {
  while ((sh.pendingSignals ?? []).length > 0) {
    const [sig, ...rest] = sh.pendingSignals!;
    sh.pendingSignals = rest;
    const action = sh.traps?.get(sig!);
    if (action === undefined || action === "") continue;
    const status = sh.status;
    yield* runScript(action, sh, st);
    sh.status = status;
  }
  return sh.status;
}

/** An environment with no variables: what a shell's io carries once its variables hold the environment. */
export const emptyEnv: Readonly<Record<string, string>> = Object.freeze(Object.create(null));

/** A fresh shell for a container's environment. */
export function newShell(io: ProcessIO, opts: { shellName: string; userland: Userland; utilities: Record<string, Utility>; programs: ProgramLookup; positional?: string[]; vars?: LayeredVars }): ShellState {
  // given, the variables are io.env's laid over the shared Service variables (layeredEnv); else
  // copied key by key: the entries' arrays Object.entries makes cost twice the Map (measured)
  let vars: Map<string, string>;
  if (opts.vars !== undefined) vars = opts.vars;
  else {
    vars = new Map<string, string>();
    for (const k in io.env) if (Object.hasOwn(io.env, k)) vars.set(k, io.env[k]!);
  }
  if (!vars.has("PATH")) vars.set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  // a PWD from the pod or the image is the process's; a shell sets its own when it starts
  if (!vars.has("PWD")) vars.set("PWD", "/");
  return {
    // The variables hold the environment from here on; nothing reads io.env again, so the shell
    // does not keep a second record of every Service variable.
    io: io.env === emptyEnv ? io : { ...io, env: emptyEnv }, vars, exported: vars instanceof LayeredVars ? vars.names() : new Set(vars.keys()), positional: opts.positional ?? [opts.shellName], status: 0, cwd: "/",
    shellName: opts.shellName, userland: opts.userland, utilities: opts.utilities, programs: opts.programs,
    turnsWithoutBlocking: 0, line: 1, substitutions: 0,
  };
}

/** The prefix of a shell's own error messages: busybox `sh: `, dash `sh: 1: `, bash `bash: line 1: `. */
export function shellPrefix(sh: ShellState): string {
  if (sh.shellName === "bash") return sh.interactive ? "bash: " : `bash: line ${sh.line}: `;
  return sh.userland === "gnu" ? `sh: ${sh.line}: ` : "sh: ";
}

/** Runs a script source; syntax errors end it with status 2 as a shell does. */
export function* runScript(source: string, sh: ShellState, st: Streams): Gen {
  let list: List;
  try { list = parseScript(source, sh.shellName === "bash"); } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    st.err(`${shellPrefix(sh)}${e.message}\n`);
    return 2;
  }
  try {
    return yield* runList(list, sh, st);
  } catch (e) {
    if (e instanceof LoopControl) return sh.status;
    throw e;
  }
}

function* runList(list: List, sh: ShellState, st: Streams): Gen {
  for (const item of list) {
    if (item.background) { yield* runBackground(item.node, sh, st); continue; }
    sh.status = yield* runAndOr(item.node, sh, st);
    if (sh.pendingSignals?.length) yield* runTraps(sh, st);
  }
  return sh.status;
}

/**
 * A background job runs until its first blocking effect and is then parked in sh.jobs (no job
 * control): the script goes on at once, and the `wait` builtin runs the parked jobs on.
 */
function* runBackground(node: List[number]["node"], sh: ShellState, st: Streams): Gen {
  const run = forked(runAndOr(node, sh, st), sh);
  sh.lastJob = run;
  const job = yield* advanceJob(run, sh);
  if (job) sh.jobs = [...(sh.jobs ?? []), job];
  sh.status = 0;
  return 0;
}

/** A generator run as a forked process: while it runs, the shell knows it is not the main one (forkDepth). */
function* forked(run: Gen, sh: ShellState): Gen {
  let input: EffectResult;
  for (;;) {
    sh.forkDepth = (sh.forkDepth ?? 0) + 1;
    let r: IteratorResult<Effect, number>;
    try { r = run.next(input); } finally { sh.forkDepth = sh.forkDepth - 1; }
    if (r.done) return r.value;
    input = yield r.value;
  }
}

/** Runs a job's generator on until it blocks (the job, parked) or ends (undefined); effects that take no time pass through. */
function* advanceJob(run: Gen, sh: ShellState): Generator<Effect, BackgroundJob | undefined, EffectResult> {
  let input: EffectResult;
  for (;;) {
    let r: IteratorResult<Effect, number>;
    try { r = run.next(input); } catch (e) {
      if (e instanceof ExitSignal) return undefined; // `exit` ends the job's subshell only
      throw e;
    }
    if (r.done) return undefined;
    const e = r.value;
    if (e.type === "sleep") return { run, wakeAt: sh.io.now() + e.ms };
    if (e.type === "wait") return { run, blocked: "wait" };
    if (e.type === "input") return { run, blocked: e.pipe };
    input = yield e;
  }
}

/**
 * ash's `wait` (no operands): blocks until every background job has ended, then status 0. Due
 * jobs run on; the shell sleeps until the next one wakes; a job blocked for good (`sleep
 * infinity &`, a server) makes wait block until the container is killed.
 */
function* waitJobs(sh: ShellState): Gen {
  for (;;) {
    const jobs = sh.jobs ?? [];
    if (jobs.length === 0) return 0;
    const now = sh.io.now();
    const i = jobs.findIndex((j) => (j.blocked === undefined ? j.wakeAt! <= now : j.blocked !== "wait" && (j.blocked.buf !== "" || j.blocked.closed)));
    if (i >= 0) {
      const next = yield* advanceJob(jobs[i]!.run, sh);
      const rest = (sh.jobs ?? []).filter((j) => j !== jobs[i]);
      sh.jobs = next ? [...rest, next] : rest;
      continue;
    }
    const wakes = jobs.flatMap((j) => (j.blocked === undefined ? [j.wakeAt!] : []));
    // a trapped signal interrupts wait: it returns 128 + the signal (ash's waitcmd, sigout)
    const r = yield* perform(sh, wakes.length === 0 ? { type: "wait" } : { type: "sleep", ms: Math.min(...wakes) - now }, true);
    if (r?.type === "interrupt") return 128 + r.signal;
    if (wakes.length === 0) return 0;
  }
}

function* runAndOr(node: List[number]["node"], sh: ShellState, st: Streams): Gen {
  let status = yield* runPipeline(node.first, sh, st);
  let last = node.first;
  for (const { op, pipeline } of node.rest) {
    if ((op === "&&") === (status === 0)) {
      status = yield* runPipeline(pipeline, sh, st);
      last = pipeline;
    }
  }
  // POSIX 2.8.1 / set -e: ignored in a condition, after a `!` pipeline, and for any command of an
  // AND-OR list but the last (`false && x` goes on, `x && false` exits)
  const final = node.rest.length === 0 ? node.first : node.rest[node.rest.length - 1]!.pipeline;
  if (status !== 0 && sh.errexit && !(sh.conditions ?? 0) && last === final && !last.negate) throw new ExitSignal(status);
  return status;
}

/** Runs a condition list (if, elif, while, until): set -e does not apply inside it. */
function* runCondition(cond: List, sh: ShellState, st: Streams): Gen {
  sh.conditions = (sh.conditions ?? 0) + 1;
  try { return yield* runList(cond, sh, st); } finally { sh.conditions = sh.conditions - 1; }
}

/**
 * Runs a pipeline's commands one after another, each one's output the next one's input; one that
 * feeds a loop (`tail -F f | while read l; do ...; done`) runs side by side with it instead.
 */
function* runPipeline(p: Pipeline, sh: ShellState, st: Streams): Gen {
  if (p.commands.slice(1).some((c) => c.type === "loop")) return (sh.status = negated(p, yield* runSideBySide(p.commands, sh, st)));
  let input = st.stdin;
  let status = 0;
  const argvs = p.commands.length > 1 ? p.commands.map(processArgv) : undefined;
  const outer = sh.pipeline;
  for (let i = 0; i < p.commands.length; i++) {
    const last = i === p.commands.length - 1;
    let captured = "";
    const pipe: Pipe | undefined = i === 0 ? st.pipe : { buf: input, closed: true, readerGone: false };
    const streams: Streams = last ? { ...st, stdin: input, pipe } : { stdin: input, pipe, out: (t) => { captured += t; }, err: st.err };
    if (argvs !== undefined) sh.pipeline = { argvs, index: i };
    try {
      status = yield* runCommand(p.commands[i]!, sh, streams);
    } finally {
      sh.pipeline = outer;
    }
    input = captured;
  }
  sh.status = negated(p, status);
  return sh.status;
}

/**
 * A pipeline command's command line as ps sees the process forked for it: its words with their
 * quotes gone (a word with an expansion as written), a compound command the forked shell.
 */
function processArgv(cmd: Command): readonly string[] {
  if (cmd.type !== "simple") return ["sh"];
  return cmd.words.map((w) => (/[$`\\]/.test(w) ? w : w.replace(/["']/g, "")));
}

const negated = (p: Pipeline, status: number) => (p.negate ? (status === 0 ? 1 : 0) : status);

/** The exit status of a writer killed by SIGPIPE (128 + 13): its reader has ended. */
const sigpipeStatus = 141;

/** One command of a pipeline run side by side: its generator once started, what it waits for, its status once ended. */
interface Stage {
  cmd: Command;
  run?: Gen;
  wakeAt?: number;
  blocked?: "wait" | Pipe;
  status?: number;
}

/**
 * The commands of a pipeline as concurrent processes in simulated time: each runs until it sleeps,
 * waits or reads an empty pipe; the pipeline sleeps until the next one is due. A plain command
 * after a pipe starts once its input has ended (it reads its stdin whole); a loop reads lines as
 * they come. Effects that take no time pass through to the CRI.
 */
function* runSideBySide(cmds: Command[], sh: ShellState, st: Streams): Gen {
  const pipes: Pipe[] = cmds.slice(1).map(() => ({ buf: "", closed: false, readerGone: false }));
  const stages: Stage[] = cmds.map((cmd) => ({ cmd }));
  let now = 0;
  const streamsOf = (i: number): Streams => {
    const input = i === 0 ? st.pipe : pipes[i - 1]!;
    const output = pipes[i];
    const stdin = i === 0 ? st.stdin : stages[i]!.cmd.type === "loop" ? "" : input!.buf;
    const out = output === undefined ? st.out : (t: string) => {
      if (output.readerGone) throw new ExitSignal(sigpipeStatus);
      output.buf += t;
    };
    return { stdin, pipe: input, out, err: st.err };
  };
  const end = (i: number, status: number) => {
    stages[i]!.status = status;
    if (pipes[i]) pipes[i].closed = true;
    if (i > 0) pipes[i - 1]!.readerGone = true;
  };
  const runnable = (i: number): boolean => {
    const s = stages[i]!;
    if (s.status !== undefined) return false;
    if (s.run === undefined) return i === 0 || s.cmd.type === "loop" || pipes[i - 1]!.closed;
    if (s.blocked === "wait") return false;
    if (s.blocked !== undefined) return s.blocked.buf !== "" || s.blocked.closed;
    return s.wakeAt === undefined || s.wakeAt <= now;
  };
  for (;;) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (let i = 0; i < stages.length; i++) {
        if (!runnable(i)) continue;
        progressed = true;
        const s = stages[i]!;
        s.run ??= runCommand(s.cmd, sh, streamsOf(i));
        s.blocked = undefined;
        s.wakeAt = undefined;
        let input: EffectResult;
        for (;;) {
          let r: IteratorResult<Effect, number>;
          try { r = s.run.next(input); } catch (e) {
            if (!(e instanceof ExitSignal)) throw e;
            end(i, e.code);
            break;
          }
          input = undefined;
          if (r.done) { end(i, r.value); break; }
          const e = r.value;
          if (e.type === "sleep" && e.ms > 0) { s.wakeAt = now + e.ms; break; }
          if (e.type === "sleep") continue;
          if (e.type === "wait") { s.blocked = "wait"; break; }
          if (e.type === "input") { s.blocked = e.pipe; break; }
          input = yield e;
        }
      }
    }
    if (stages.every((s) => s.status !== undefined)) return stages[stages.length - 1]!.status!;
    const due = stages.flatMap((s) => (s.status === undefined && s.wakeAt !== undefined ? [s.wakeAt] : []));
    if (due.length > 0) {
      const next = Math.min(...due);
      yield* perform(sh, { type: "sleep", ms: next - now });
      now = next;
      continue;
    }
    // nothing sleeps: a stage reading the pipeline's own stdin waits on it, else all wait for good
    const outer = stages[0]!.blocked;
    yield* perform(sh, outer !== undefined && outer !== "wait" ? { type: "input", pipe: outer } : { type: "wait" });
  }
}

function* runCommand(cmd: Command, sh: ShellState, st: Streams): Gen {
  const redirected = yield* applyRedirs(cmd.redirs, sh, st);
  if (typeof redirected === "number") return redirected;
  switch (cmd.type) {
    // the trace goes to the stderr the command had before its own redirections (ash's preverrout_fd)
    case "simple": return yield* runSimple(cmd, sh, redirected, st.err);
    case "group": return yield* runGroup(cmd.body, cmd.subshell, sh, redirected);
    case "if": {
      for (const clause of cmd.clauses) {
        if ((yield* runCondition(clause.cond, sh, redirected)) === 0) return yield* runList(clause.body, sh, redirected);
      }
      return cmd.otherwise ? yield* runList(cmd.otherwise, sh, redirected) : (sh.status = 0);
    }
    case "loop": return yield* runLoop(cmd.until, cmd.cond, cmd.body, sh, redirected);
    case "cond": return yield* runConditional(cmd.expr, cmd.line, sh, redirected);
    case "for": {
      const items = cmd.items ? yield* expandWords(cmd.items, sh, redirected) : sh.positional.slice(1);
      return yield* runLoopBody(items, (item) => { sh.vars.set(cmd.name, item); }, cmd.body, sh, redirected);
    }
  }
}

/** A subshell keeps its own variables and directory; `exit` inside it only leaves the subshell. */
function* runGroup(body: List, subshell: boolean, sh: ShellState, st: Streams): Gen {
  if (!subshell) return yield* runList(body, sh, st);
  const saved = { vars: copyVars(sh.vars), exported: copyNames(sh.exported), cwd: sh.cwd, errexit: sh.errexit, xtrace: sh.xtrace };
  try { return yield* forked(runList(body, sh, st), sh); } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    throw e;
  } finally { Object.assign(sh, saved); }
}

/** Counts a loop turn; a loop that never blocks fails instead of hanging the simulation. */
function countTurn(sh: ShellState): void {
  if (++sh.turnsWithoutBlocking > maxTurnsWithoutBlocking) throw new LoopBoundExceeded();
}

/** Handles break/continue: true when the loop should stop. */
function loopControl(e: unknown): "break" | "continue" {
  if (!(e instanceof LoopControl)) throw e;
  if (e.levels > 1) { e.levels--; throw e; }
  return e.kind;
}

function* runLoop(until: boolean, cond: List, body: List, sh: ShellState, st: Streams): Gen {
  let status = 0;
  for (;;) {
    countTurn(sh);
    const c = yield* runCondition(cond, sh, st);
    if ((c === 0) === until) break;
    try { status = yield* runList(body, sh, st); } catch (e) {
      if (loopControl(e) === "break") break;
    }
  }
  sh.status = status;
  return status;
}

function* runLoopBody(items: string[], bind: (item: string) => void, body: List, sh: ShellState, st: Streams): Gen {
  let status = 0;
  for (const item of items) {
    countTurn(sh);
    bind(item);
    try { status = yield* runList(body, sh, st); } catch (e) {
      if (loopControl(e) === "break") break;
    }
  }
  sh.status = status;
  return status;
}

/** Applies redirections to the streams; a target that cannot be opened fails the command. */
function* applyRedirs(redirs: Redir[], sh: ShellState, st: Streams): Generator<Effect, Streams | number, EffectResult> {
  let out = st;
  for (const r of redirs) {
    if (r.op === "<<" || r.op === "<<-" || r.op === "<<<") {
      // a here-document's body undergoes expansion unless its delimiter was quoted; a here-string
      // is its word expanded (no field splitting) and a newline (bash's write_here_string)
      const data = r.heredoc
        ? (r.heredoc.quoted ? r.heredoc.body : yield* expandDoubleQuoted(r.heredoc.body, sh, st, true))
        : `${(yield* expandWord(r.target, sh, st, false))[0] ?? ""}\n`;
      out = { ...out, stdin: data, pipe: { buf: data, closed: true, readerGone: false } };
      continue;
    }
    const target = (yield* expandWord(r.target, sh, st, false))[0] ?? "";
    if (r.op === ">&") {
      const sink = target === "2" ? out.err : target === "1" ? out.out : undefined;
      if (!sink) continue;
      out = r.fd === 2 ? { ...out, err: sink } : { ...out, out: sink };
      continue;
    }
    const path = resolvePath(sh.cwd, target);
    if (r.op === "<") {
      const data = readForRedirect(path, sh);
      if (typeof data !== "string") { st.err(`${shellPrefix(sh)}can't open ${target}: no such file\n`); return 1; }
      out = { ...out, stdin: data, pipe: { buf: data, closed: true, readerGone: false } };
      continue;
    }
    const sink = fileSink(path, r.op === ">>", sh);
    if (typeof sink === "string") {
      // dash and ash word ENOENT their own way; other errors are strerror's
      const why = sink === "ENOENT" ? (sh.userland === "gnu" ? "Directory nonexistent" : "nonexistent directory") : sink === "EROFS" ? "Read-only file system" : sink === "EACCES" ? "Permission denied" : "Is a directory";
      st.err(sh.userland === "gnu" ? `${shellPrefix(sh)}cannot create ${target}: ${why}\n` : `${shellPrefix(sh)}can't create ${target}: ${why}\n`);
      return sh.userland === "gnu" ? 2 : 1;
    }
    if (r.op === "&>") out = { ...out, out: sink, err: sink };
    else out = r.fd === 2 ? { ...out, err: sink } : { ...out, out: sink };
  }
  return out;
}

function readForRedirect(path: string, sh: ShellState): string | undefined {
  if (path === "/dev/null") return "";
  const r = sh.io.fs.read(path);
  return typeof r === "string" ? r : undefined;
}

/** A writer into a file (truncated now unless appending), or the error opening it. */
function fileSink(path: string, append: boolean, sh: ShellState): ((t: string) => void) | string {
  if (path === "/dev/null") return () => {};
  if (path === "/dev/stdout" || path === "/proc/self/fd/1") return (t) => sh.io.stdout(t);
  if (path === "/dev/stderr" || path === "/proc/self/fd/2") return (t) => sh.io.stderr(t);
  const err = sh.io.fs.write(path, "", true);
  if (err) return err;
  if (!append) sh.io.fs.write(path, "");
  return (t) => { sh.io.fs.write(path, t, true); };
}

function* runSimple(cmd: SimpleCommand, sh: ShellState, st: Streams, traceTo: (t: string) => void = st.err): Gen {
  sh.line = cmd.line;
  const substitutionsBefore = sh.substitutions;
  const assigns: Array<[string, string]> = [];
  for (const a of cmd.assigns) {
    const eq = a.indexOf("=");
    assigns.push([a.slice(0, eq), (yield* expandWord(a.slice(eq + 1), sh, st, false)).join("")]);
  }
  for (const a of cmd.arrays ?? []) {
    // sh has no arrays: the "(" is a syntax error there
    if (sh.shellName !== "bash") { st.err(`${shellPrefix(sh)}syntax error: unexpected "("\n`); return (sh.status = 2); }
    assignArray(a.name, yield* expandWords(a.items, sh, st), sh);
  }
  const argv = yield* expandWords(cmd.words, sh, st);
  if (sh.xtrace) traceTo(xtraceLines(sh, assigns, argv));
  if (argv.length === 0) {
    for (const [k, v] of assigns) sh.vars.set(k, v);
    return (sh.status = sh.substitutions === substitutionsBefore ? 0 : sh.status);
  }
  // Prefix assignments (`FOO=1 cmd`) are visible to that command only.
  const saved = assigns.map(([k]) => [k, sh.vars.get(k), sh.exported.has(k)] as const);
  for (const [k, v] of assigns) { sh.vars.set(k, v); sh.exported.add(k); }
  try {
    return (sh.status = yield* runArgv(argv, sh, st));
  } finally {
    for (const [k, v, exp] of saved) {
      if (v === undefined) sh.vars.delete(k); else sh.vars.set(k, v);
      if (!exp) sh.exported.delete(k);
    }
  }
}

/** Signal numbers by name (x86-64 Linux), as kill and killall take them (-TERM, -SIGTERM, -15). */
const signalNumbers: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, CONT: 18, STOP: 19 };

/** "-15", "-TERM", "-SIGTERM": the signal number, or undefined for a name busybox does not know. */
export function signalNumber(arg: string): number | undefined {
  if (/^\d+$/.test(arg)) return Number(arg) <= 64 ? Number(arg) : undefined;
  const name = arg.toUpperCase().replace(/^SIG/, "");
  return Object.hasOwn(signalNumbers, name) ? signalNumbers[name] : undefined;
}

/** The kill builtin's errors as bash, dash (Debian's sh) and busybox's ash word them. */
function killError(sh: ShellState, what: "signal" | "number" | "missing" | "denied", arg: string, applet = false): string {
  // busybox's kill applet (/bin/kill) words its errors as the builtin does, under its own name
  const p = applet ? "kill: " : shellPrefix(sh);
  // kill(2)'s EPERM: bash's "(pid) - Operation not permitted", dash's and busybox's as for ESRCH
  if (what === "denied") return sh.shellName === "bash" ? `${p}kill: (${arg}) - Operation not permitted\n` : sh.userland === "gnu" ? `${p}kill: Operation not permitted\n` : `${p}can't kill pid ${arg}: Operation not permitted\n`;
  if (sh.shellName === "bash") return what === "signal" ? `${p}kill: ${arg}: invalid signal specification\n` : what === "number" ? `${p}kill: ${arg}: arguments must be process or job IDs\n` : `${p}kill: (${arg}) - No such process\n`;
  if (sh.userland === "gnu") return what === "signal" ? `${p}kill: invalid signal number or name: ${arg}\n` : what === "number" ? `${p}kill: Illegal number: ${arg}\n` : `${p}kill: No such process\n`;
  return what === "signal" ? `${p}bad signal name '${arg}'\n` : what === "number" ? `${p}invalid number '${arg}'\n` : `${p}can't kill pid ${arg}: No such process\n`;
}

/**
 * The shells' kill builtin, `kill [-s SIG | -SIG] PID...` (TERM by default): a process is found by
 * its pid in the container's pid namespace (the runtime's process table); each pid not found, or
 * another user's when the shell is not root, is an error in the shell's words, status 1.
 */
function* kill(args: string[], sh: ShellState, st: Streams, applet = false): Gen {
  let signal = 15;
  let i = 0;
  const spec = args[0] === "-s" || args[0] === "-n" ? args[1] : args[0] !== undefined && args[0].startsWith("-") && args[0] !== "--" && args[0].length > 1 ? args[0].slice(1) : undefined;
  if (spec !== undefined || args[0] === "-s" || args[0] === "-n") {
    const n = spec === undefined ? undefined : signalNumber(spec);
    if (n === undefined) { st.err(killError(sh, "signal", spec ?? "", applet)); return 1; }
    signal = n;
    i = args[0] === "-s" || args[0] === "-n" ? 2 : 1;
  }
  if (args[i] === "--") i++;
  const pids = args.slice(i);
  if (pids.length === 0) {
    st.err(`${shellPrefix(sh)}kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n`);
    return 2;
  }
  let status = 0;
  for (const arg of pids) {
    // one of this shell's own background jobs: kill(2) reaches the child it forked
    const own = /^\d+$/.test(arg) ? [...(sh.jobPids ?? [])].find(([, pid]) => pid === Number(arg))?.[0] : undefined;
    if (own !== undefined && (sh.jobs ?? []).some((j) => j.run === own)) {
      // 0 only asks; CONT and STOP do not end it (their default actions)
      if (signal !== 0 && signal !== 18 && signal !== 19) sh.jobs = (sh.jobs ?? []).filter((j) => j.run !== own);
      continue;
    }
    const known = /^\d+$/.test(arg);
    const r = known ? yield* perform(sh, { type: "signal", name: "", pid: Number(arg), signal }) : undefined;
    if (r?.type === "signal" && r.matched && !r.denied) continue;
    st.err(killError(sh, r?.type === "signal" && r.denied ? "denied" : known ? "missing" : "number", arg, applet));
    status = 1;
  }
  return status;
}

/**
 * busybox's kill applet, /bin/kill (procps/kill.c, the code ash's builtin runs too): what
 * `kubectl exec POD -- kill -HUP 8` starts, where no shell and so no builtin is there.
 */
export const killApplet: Utility = (argv, sh, st) => kill(argv.slice(1), sh, st, true);

/** Quotes a word as ash's trap listing does: in single quotes, a ' as '"'"'. */
const singleQuoted = (w: string) => `'${w.replace(/'/g, "'\"'\"'")}'`;

/**
 * ash's trap builtin: `trap ACTION SIG...` sets, `trap - SIG` resets, `trap ''` ignores, no
 * operand lists (`trap -- 'exit 0' TERM`). The signals with a command go to the runtime, which
 * then delivers them to the shell instead of letting PID 1 ignore them.
 */
function* trap(args: string[], sh: ShellState, st: Streams): Gen {
  const traps = new Map(sh.traps ?? []);
  if (args.length === 0) {
    for (const [n, action] of traps) st.out(`trap -- ${singleQuoted(action)} ${n === 0 ? "EXIT" : signalName(n)}\n`);
    return 0;
  }
  const operands = args[0] === "--" ? args.slice(1) : args;
  // one operand that is a signal: reset it (POSIX), as `trap - SIG`
  const [action, sigs] = /^\d+$/.test(operands[0]!) || operands.length === 1 ? ["-", operands] : [operands[0]!, operands.slice(1)];
  let status = 0;
  for (const s of sigs) {
    const n = s.toUpperCase() === "EXIT" || s === "0" ? 0 : signalNumber(s);
    if (n === undefined) { st.err(`${shellPrefix(sh)}trap: ${s}: bad trap\n`); status = 1; continue; }
    if (action === "-") traps.delete(n); else traps.set(n, action);
  }
  // a subshell's or a background job's traps are that process's, which no signal here reaches
  if ((sh.forkDepth ?? 0) > 0) return status;
  sh.traps = traps;
  yield* perform(sh, { type: "trap", signals: [...traps].flatMap(([n, a]) => (n > 0 && a !== "" ? [n] : [])) });
  return status;
}

const signalName = (n: number) => Object.keys(signalNumbers).find((k) => signalNumbers[k] === n) ?? String(n);

const shellBuiltins = new Set(["kill", "read", "exit", "break", "continue", "export", "unset", "cd", "set", "trap", "wait", "shift", "exec", ":", "true", "false", "eval", "source", ".", "readonly", "local", "return"]);

/**
 * Runs an expanded argv: a shell builtin, a utility, or an external program. A process started
 * with no shell (noShell: a container's command, an exec) runs a builtin's namesake program where
 * the image has one (busybox's /bin/kill), not the builtin.
 */
export function* runArgv(argv: string[], sh: ShellState, st: Streams, noShell = false): Gen {
  const name = argv[0]!;
  if (shellBuiltins.has(name) && !(noShell && Object.hasOwn(sh.utilities, name))) return yield* runBuiltin(argv, sh, st);
  if ((name === "command" || name === "type") && !noShell && isBusyboxAsh(sh)) return yield* (name === "type" ? ashType(argv, sh, st) : ashCommand(argv, sh, st));
  const base = name.includes("/") ? name.slice(name.lastIndexOf("/") + 1) : name;
  const program = sh.programs(argv, sh, st);
  if (program) return yield* program;
  // The command name comes from the container: "constructor" or "toString" is a command not found.
  const utility = Object.hasOwn(sh.utilities, base) ? sh.utilities[base] : undefined;
  if (utility && (!name.includes("/") || /^\/(usr\/)?(local\/)?s?bin\//.test(name))) return yield* utility(argv, sh, st);
  st.err(name.includes("/") ? `${shellPrefix(sh)}${name}: not found\n` : sh.shellName === "bash" ? `${shellPrefix(sh)}${name}: command not found\n` : `${shellPrefix(sh)}${name}: not found\n`);
  return 127;
}

// ash's command and type in the busybox image, where PATH's answers are known: its which applet
// marks that layout (utilitiesFor's appletsInBin); elsewhere they stay unmodelled (not found)
const isBusyboxAsh = (sh: ShellState) => sh.userland === "busybox" && sh.shellName !== "bash" && Object.hasOwn(sh.utilities, "which");

// busybox ash's builtintab (shell/ash.c, the default config), true for the POSIX special
// built-ins (BUILTIN_SPEC_REG, BUILTIN_SPEC_REG_ASSG: IS_BUILTIN_SPECIAL): with its keywords
// (ashKeywords), what `type` and `command -v` name before searching PATH
const ashBuiltins = new Map<string, boolean>([
  [".", true], [":", true], ["[", false], ["[[", false], ["alias", false], ["bg", false], ["break", true], ["cd", false], ["chdir", false],
  ["command", false], ["continue", true], ["echo", false], ["eval", true], ["exec", true], ["exit", true], ["export", true], ["false", false],
  ["fg", false], ["getopts", false], ["hash", false], ["help", false], ["history", false], ["jobs", false], ["kill", false], ["let", false],
  ["local", true], ["printf", false], ["pwd", false], ["read", false], ["readonly", true], ["return", true], ["set", true], ["shift", true],
  ["source", true], ["test", false], ["times", true], ["trap", true], ["true", false], ["type", false], ["ulimit", false], ["umask", false],
  ["unalias", false], ["unset", true], ["wait", false],
]);

/**
 * Where PATH finds a program in a busybox image: `busybox --install /bin` (the docker-library
 * image's Dockerfile) links every applet into /bin; a name with a slash is itself when it exists.
 */
export function busyboxPathOf(name: string, sh: ShellState): string | undefined {
  if (name.includes("/")) {
    const base = name.slice(name.lastIndexOf("/") + 1);
    const p = resolvePath(sh.cwd, name);
    return p === `/bin/${base}` && (Object.hasOwn(sh.utilities, base) || base === "sh" || base === "ash") ? name : typeof sh.io.fs.read(p) === "string" ? name : undefined;
  }
  const dirs = (sh.vars.get("PATH") ?? "").split(":");
  const applet = Object.hasOwn(sh.utilities, name) || name === "sh" || name === "ash";
  return applet && dirs.includes("/bin") ? `/bin/${name}` : undefined;
}

/** ash's describe_command: a keyword, a builtin (special or not), the path PATH finds, or not found (127). */
function ashDescribe(name: string, sh: ShellState, st: Streams, verbose: boolean): number {
  if (ashKeywords.has(name)) { st.out(verbose ? `${name} is a shell keyword\n` : `${name}\n`); return 0; }
  const special = ashBuiltins.get(name);
  if (special !== undefined) { st.out(verbose ? `${name} is a ${special ? "special " : ""}shell builtin\n` : `${name}\n`); return 0; }
  const found = busyboxPathOf(name, sh);
  if (found !== undefined) { st.out(verbose ? `${name} is ${found}\n` : `${found}\n`); return 0; }
  if (verbose) st.out(`${name}: not found\n`);
  return 127;
}

/** ash's typecmd: each name described, verbose unless the first argument is an option (`type -p`). */
function* ashType(argv: string[], sh: ShellState, st: Streams): Gen {
  const names = argv[1]?.startsWith("-") ? argv.slice(2) : argv.slice(1);
  const verbose = !argv[1]?.startsWith("-");
  let err = 0;
  for (const n of names) err |= ashDescribe(n, sh, st, verbose);
  return err;
}

/**
 * ash's `command`: with -v or -V (commandcmd) the first name is described, briefly or verbosely;
 * without them (parse_command_args: only -p, and --) the command runs, as a builtin or from PATH.
 */
function* ashCommand(argv: string[], sh: ShellState, st: Streams): Gen {
  let i = 1;
  let verify: "brief" | "verbose" | undefined;
  for (; i < argv.length && argv[i]!.startsWith("-") && argv[i] !== "-"; i++) {
    if (argv[i] === "--") { i++; break; }
    for (const c of argv[i]!.slice(1)) {
      if (c === "V") verify = "verbose";
      else if (c === "v") verify ??= "brief";
      // nextopt's ash_msg_and_raise_error (ash_vmsg: arg0, the builtin, the line): the shell exits 2
      else if (c !== "p") { st.err(`sh: command: line ${sh.line}: illegal option -${c}\n`); throw new ExitSignal(2); }
    }
  }
  const rest = argv.slice(i);
  // "Mimic bash: just `command -v` doesn't complain, it's a nop"
  if (verify !== undefined) return rest[0] === undefined ? 0 : ashDescribe(rest[0], sh, st, verify === "verbose");
  return rest.length === 0 ? 0 : yield* runArgv(rest, sh, st);
}

function* runBuiltin(argv: string[], sh: ShellState, st: Streams): Gen {
  const [name, ...args] = argv as [string, ...string[]];
  switch (name) {
    case "trap": return yield* trap(args, sh, st);
    case ":": case "true": case "readonly": case "local": return 0;
    case "set": return setOptions(args, sh);
    case "wait": return yield* waitJobs(sh);
    case "false": return 1;
    case "read": return yield* readLine(args, sh, st);
    case "kill": return yield* kill(args, sh, st);
    case "exit": case "return": {
      const code = args[0] === undefined ? sh.status : Number(args[0]);
      if (Number.isNaN(code)) { st.err(`${shellPrefix(sh)}exit: Illegal number: ${args[0]}\n`); throw new ExitSignal(2); }
      throw new ExitSignal(((code % 256) + 256) % 256);
    }
    case "break": case "continue": throw new LoopControl(name, Math.max(1, Number(args[0] ?? 1) || 1));
    case "export": case "unset": {
      for (const a of args) {
        const eq = a.indexOf("=");
        const key = eq >= 0 ? a.slice(0, eq) : a;
        if (name === "unset") { sh.vars.delete(key); sh.exported.delete(key); continue; }
        if (eq >= 0) sh.vars.set(key, a.slice(eq + 1));
        sh.exported.add(key);
      }
      return 0;
    }
    case "cd": {
      const dir = resolvePath(sh.cwd, args[0] ?? sh.vars.get("HOME") ?? "/");
      if (!sh.io.fs.isDir(dir)) { st.err(`${shellPrefix(sh)}cd: can't cd to ${args[0]}: No such file or directory\n`); return 2; }
      sh.cwd = dir;
      sh.vars.set("PWD", dir);
      return 0;
    }
    case "shift": sh.positional = [sh.positional[0]!, ...sh.positional.slice(1 + Number(args[0] ?? 1))]; return 0;
    case "exec": {
      if (args.length === 0) return 0;
      throw new ExitSignal(yield* runArgv(args, sh, st));
    }
    case "eval": return yield* runScript(args.join(" "), sh, st);
    default: { // source / .
      const r = sh.io.fs.read(resolvePath(sh.cwd, args[0] ?? ""));
      if (typeof r !== "string") { st.err(`${shellPrefix(sh)}.: can't open '${args[0]}'\n`); return 2; }
      return yield* runScript(r, sh, st);
    }
  }
}

/**
 * The set builtin's options (ash's options(), bash's set_minus_o_option): -e/+e and -x/+x, their
 * `-o errexit`/`-o xtrace` names; `-` turns xtrace off; `--` or the first operand sets $1...
 * Other options are taken and have no effect here.
 */
export function setOptions(args: readonly string[], sh: ShellState): number {
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a[0] !== "-" && a[0] !== "+") break;
    const on = a[0] === "-";
    if (a === "-") { sh.xtrace = false; i++; break; }
    if (a === "--") { i++; sh.positional = [sh.positional[0]!, ...args.slice(i)]; return 0; }
    for (const letter of a.slice(1)) {
      if (letter === "o") {
        const name = args[++i];
        if (name === "errexit") sh.errexit = on;
        else if (name === "xtrace") sh.xtrace = on;
      } else setOption(letter, on, sh);
    }
  }
  if (i < args.length) sh.positional = [sh.positional[0]!, ...args.slice(i)];
  return 0;
}

/** One option letter, from `set` or the shell's own command line (`sh -ec`, `bash -x script`). */
export function setOption(letter: string, on: boolean, sh: ShellState): void {
  if (letter === "e") sh.errexit = on;
  else if (letter === "x") sh.xtrace = on;
}

// ash's findkwd: a word that is a reserved word is always quoted in a trace
const ashKeywords = new Set(["!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "then", "until", "while", "{", "}"]);

/** busybox ash's single_quote: 'text', a run of single quotes as "'...'" between. */
function ashSingleQuote(s: string): string {
  let out = "";
  let rest = s;
  for (;;) {
    const len = rest.indexOf("'") < 0 ? rest.length : rest.indexOf("'");
    out += `'${rest.slice(0, len)}'`;
    rest = rest.slice(len);
    if (rest === "") return out;
    const run = /^'+/.exec(rest)![0];
    out += `"${run}"`;
    rest = rest.slice(run.length);
    if (rest === "") return out;
  }
}

/** busybox ash's maybe_single_quote: quoted when it holds a control character, space, !"#$%&'()*;<=>?`[\, or anything above z. */
function ashMaybeQuote(s: string): string {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x2b || (c >= 0x3b && c <= 0x3f) || ch === "`" || ch === "[" || ch === "\\" || c > 0x7a) return ashSingleQuote(s);
  }
  return s;
}

/** bash's sh_contains_shell_metas: a word xtrace single-quotes. */
function bashHasMetas(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (" \t\n'\"\\|&;()<>!{}*[?]^$`".includes(c)) return true;
    if (c === "~" && (i === 0 || s[i - 1] === "=" || s[i - 1] === ":")) return true;
    if (c === "#" && i === 0) return true;
  }
  return false;
}

/** bash's ansic_quote: $'...' with C escapes, for a word holding a nonprintable character. */
function bashAnsiQuote(s: string): string {
  const esc: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\x1b": "\\E", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "'": "\\'", "\\": "\\\\" };
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += Object.hasOwn(esc, ch) ? esc[ch] : c < 0x20 || c === 0x7f ? `\\${c.toString(8).padStart(3, "0")}` : ch;
  }
  return `$'${out}'`;
}

/** bash's xtrace quoting of one word: $'...' for nonprintables, '...' for shell metacharacters, '' for an empty word. */
function bashQuote(s: string): string {
  if (s === "") return "''";
  if (/[\x00-\x1f\x7f]/.test(s)) return bashAnsiQuote(s);
  return bashHasMetas(s) ? `'${s.replaceAll("'", "'\\''")}'` : s;
}

/**
 * What `set -x` writes for a simple command, after expansion. busybox ash (evalcommand): PS4, the
 * assignments and the words on one line, each maybe_single_quote'd (a reserved word always); dash
 * (eval.c's eprintlist): the same line unquoted; bash (print_cmd.c xtrace_print_assignment and
 * xtrace_print_word_list): each assignment on a line of its own, then the words, PS4's first
 * character repeated once more for each command substitution level ("++ hostname").
 */
/** PS4 as a trace line starts: bash repeats its first character once more per command substitution level. */
function xtracePrefix(sh: ShellState): string {
  const ps4 = sh.vars.get("PS4") ?? "+ ";
  return sh.shellName === "bash" ? (ps4[0] ?? "").repeat(1 + (sh.substitutionDepth ?? 0)) + ps4.slice(1) : ps4;
}

export function xtraceLines(sh: ShellState, assigns: ReadonlyArray<readonly [string, string]>, argv: readonly string[]): string {
  const ps4 = xtracePrefix(sh);
  if (sh.shellName === "bash") {
    const prefix = ps4;
    const lines = assigns.map(([k, v]) => `${prefix}${k}=${v === "" ? "" : /[\x00-\x1f\x7f]/.test(v) ? bashAnsiQuote(v) : bashHasMetas(v) ? `'${v.replaceAll("'", "'\\''")}'` : v}\n`);
    if (argv.length > 0) lines.push(`${prefix}${argv.map(bashQuote).join(" ")}\n`);
    return lines.join("");
  }
  if (sh.userland === "gnu") return `${ps4}${[...assigns.map(([k, v]) => `${k}=${v}`), ...argv].join(" ")}\n`;
  return `${ps4}${[...assigns.map(([k, v]) => `${k}=${ashMaybeQuote(v)}`), ...argv.map((w) => (ashKeywords.has(w) ? ashSingleQuote(w) : ashMaybeQuote(w)))].join(" ")}\n`;
}

// ---------------------------------------------------------------------------------
// bash's [[ ]] conditional command (bash's cond.c grammar: || && ! ( ), unary and binary primaries)

/** A conditional's tokens: operators, and words kept raw (expanded when evaluated, never split or globbed). */
type CondToken = { op: string } | { word: string };

/** Splits the text between [[ and ]]: the operand after =~ is read to the next blank, ( ) | included. */
export function condTokens(expr: string): CondToken[] {
  const out: CondToken[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === " " || c === "\t" || c === "\n") { i++; continue; }
    const two = expr.slice(i, i + 2);
    const prev = out[out.length - 1];
    const regex = prev !== undefined && "word" in prev && prev.word === "=~";
    if (!regex && (two === "&&" || two === "||")) { out.push({ op: two }); i += 2; continue; }
    if (!regex && (c === "(" || c === ")")) { out.push({ op: c }); i++; continue; }
    let j = i;
    while (j < expr.length && !/\s/.test(expr[j]!) && (regex || !("()".includes(expr[j]!) || expr.startsWith("&&", j) || expr.startsWith("||", j)))) j += condCharLength(expr, j);
    out.push({ word: expr.slice(i, j) });
    i = j;
  }
  return out;
}

class CondSyntaxError extends Error {}

const condUnary = new Set(["-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-p", "-r", "-s", "-t", "-u", "-w", "-x", "-G", "-L", "-N", "-O", "-S", "-z", "-n", "-v"]);
const condBinary = new Set(["==", "=", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"]);
const condInts: Record<string, (a: number, b: number) => boolean> = { "-eq": (a, b) => a === b, "-ne": (a, b) => a !== b, "-lt": (a, b) => a < b, "-le": (a, b) => a <= b, "-gt": (a, b) => a > b, "-ge": (a, b) => a >= b };

/**
 * Runs `[[ expr ]]` (bash only; sh never parses it as one): 0 true, 1 false, 2 for a regex that
 * does not compile; a malformed expression is bash's syntax error (status 2).
 */
function* runConditional(expr: string, line: number, sh: ShellState, st: Streams): Gen {
  sh.line = line;
  const toks = condTokens(expr);
  let at = 0;
  const peekOp = (v: string) => { const t = toks[at]; return t !== undefined && "op" in t && t.op === v; };
  const wordAt = (k: number) => { const t = toks[k]; return t !== undefined && "word" in t ? t.word : undefined; };
  function* or(): Generator<Effect, number, EffectResult> {
    let r = yield* and();
    while (peekOp("||")) { at++; const rhs = r === 0 ? (skip(), 0) : yield* and(); r = r === 0 ? 0 : rhs; }
    return r;
  }
  function* and(): Generator<Effect, number, EffectResult> {
    let r = yield* not();
    while (peekOp("&&")) { at++; const rhs = r !== 0 ? (skipTerm(), r) : yield* not(); r = r !== 0 ? r : rhs; }
    return r;
  }
  // bash evaluates && and || lazily: the operand not needed is parsed but not expanded
  function skip(): void { skipTerm(); while (peekOp("&&")) { at++; skipTerm(); } }
  function skipTerm(): void {
    if (wordAt(at) === "!") at++;
    if (peekOp("(")) { let depth = 0; do { if (peekOp("(")) depth++; else if (peekOp(")")) depth--; at++; } while (depth > 0 && at < toks.length); return; }
    const w = wordAt(at);
    if (w === undefined) throw new CondSyntaxError();
    at += condUnary.has(w) && wordAt(at + 1) !== undefined ? 2 : condBinary.has(wordAt(at + 1) ?? "") ? 3 : 1;
  }
  function* not(invert = false): Generator<Effect, number, EffectResult> {
    if (wordAt(at) === "!") { at++; const r = yield* not(!invert); return r === 2 ? 2 : r === 0 ? 1 : 0; }
    return yield* primary(invert);
  }
  // print_cmd.c xtrace_print_cond_term: "[[ ", "! " when inverted, the expanded operands ('' for an empty one), " ]]"
  const trace = (invert: boolean, parts: string[]) => {
    if (sh.xtrace) st.err(`${xtracePrefix(sh)}[[ ${invert ? "! " : ""}${parts.map((p) => p || "''").join(" ")} ]]\n`);
  };
  function* primary(invert: boolean): Generator<Effect, number, EffectResult> {
    if (peekOp("(")) {
      at++;
      const r = yield* or();
      if (!peekOp(")")) throw new CondSyntaxError();
      at++;
      return r;
    }
    const w = wordAt(at);
    if (w === undefined) throw new CondSyntaxError();
    const op = wordAt(at + 1);
    if (op !== undefined && condBinary.has(op)) {
      const rhs = wordAt(at + 2);
      if (rhs === undefined) throw new CondSyntaxError();
      at += 3;
      return yield* binary(w, op, rhs, invert);
    }
    if (condUnary.has(w) && op !== undefined) {
      at += 2;
      const arg = yield* condWord(op, sh, st);
      trace(invert, [w, arg]);
      return yield* testPrimary([w, arg]);
    }
    at++;
    // parse.y makes a lone word the unary -n test
    const value = yield* condWord(w, sh, st);
    trace(invert, ["-n", value]);
    return value !== "" ? 0 : 1;
  }
  function* binary(lhsRaw: string, op: string, rhsRaw: string, invert: boolean): Generator<Effect, number, EffectResult> {
    const lhs = yield* condWord(lhsRaw, sh, st);
    const patternOp = op === "==" || op === "=" || op === "!=" || op === "=~";
    if (sh.xtrace && patternOp) trace(invert, [lhs, op, yield* condPatternText(rhsRaw, sh, st)]);
    if (op === "=~") {
      const re = yield* condPattern(rhsRaw, sh, st, "regex");
      let compiled: RegExp;
      try { compiled = new RegExp(re); } catch { return 2; }
      const m = compiled.exec(lhs);
      // bash sets BASH_REMATCH from the match: the whole match, then each group ("" for one that took no part)
      assignArray("BASH_REMATCH", m ? m.map((g) => g ?? "") : [], sh);
      return m ? 0 : 1;
    }
    if (op === "==" || op === "=" || op === "!=") {
      const re = new RegExp(`^${yield* condPattern(rhsRaw, sh, st, "glob")}$`, "s");
      return re.test(lhs) === (op !== "!=") ? 0 : 1;
    }
    const rhs = yield* condWord(rhsRaw, sh, st);
    trace(invert, [lhs, op, rhs]);
    // bash: < and > compare strings; the integer operators evaluate both sides as arithmetic expressions
    if (op === "<") return lhs < rhs ? 0 : 1;
    if (op === ">") return lhs > rhs ? 0 : 1;
    const f = Object.hasOwn(condInts, op) ? condInts[op] : undefined;
    if (f) return f(evalArithmetic(lhs, sh), evalArithmetic(rhs, sh)) ? 0 : 1;
    return yield* testPrimary([lhs, op, rhs]);
  }
  // the file tests and -nt/-ot/-ef are test(1)'s, which bash's [[ shares
  function* testPrimary(args: string[]): Generator<Effect, number, EffectResult> {
    const r = yield* runArgv(["test", ...args], sh, { stdin: "", out: () => {}, err: () => {} });
    return r > 1 ? 2 : r;
  }
  try {
    if (toks.length === 0) throw new CondSyntaxError();
    const r = yield* or();
    if (at < toks.length) throw new CondSyntaxError();
    return (sh.status = r);
  } catch (e) {
    if (!(e instanceof CondSyntaxError)) throw e;
    st.err(`${shellPrefix(sh)}syntax error in conditional expression\n`);
    return (sh.status = 2);
  }
}

/** A pattern operand as bash's trace shows it: expanded, its quoted characters backslash-escaped where they are special. */
function* condPatternText(raw: string, sh: ShellState, st: Streams): Generator<Effect, string, EffectResult> {
  let out = "";
  for (let j = 0; j < raw.length;) {
    const c = raw[j]!;
    const len = condCharLength(raw, j);
    const piece = raw.slice(j, j + len);
    j += len;
    if (c !== "'" && c !== "\"" && c !== "\\") { out += c === "$" || c === "`" ? (yield* expandWord(piece, sh, st, false)).join("") : piece; continue; }
    out += (yield* expandWord(piece, sh, st, false)).join("").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

/** A conditional's operand: expanded without field splitting or globbing. */
function* condWord(raw: string, sh: ShellState, st: Streams): Generator<Effect, string, EffectResult> {
  return (yield* expandWord(raw, sh, st, false)).join("");
}

/** POSIX's bracket classes (regcomp's twelve), as the body of a JavaScript character class: for sed, grep and awk */
export const POSIX_CLASSES: Readonly<Record<string, string>> = { alpha: "A-Za-z", digit: "0-9", alnum: "A-Za-z0-9", upper: "A-Z", lower: "a-z", space: " \\t\\n\\r\\f\\v", blank: " \\t", punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f", cntrl: "\\x00-\\x1f\\x7f", print: " -~", graph: "!-~" };

// the shell's patterns also take [:word:]
const posixClasses: Record<string, string> = { ...POSIX_CLASSES, word: "A-Za-z0-9_" };

/** An unquoted regex piece as a JavaScript pattern: POSIX classes spelt out; `X*?`, `X+?` are glibc's greedy (X*)?, (X+)?. */
function ereToJs(ere: string): string {
  return ere.replace(/\[:([a-z]+):\]/g, (m, name: string) => (Object.hasOwn(posixClasses, name) ? posixClasses[name]! : m)).replace(/([*+])\?/g, "*").replace(/\?\?/g, "?");
}

/**
 * The right side of == (a glob) or =~ (an ERE) as a JavaScript regex source: quoted parts match
 * themselves, unquoted parts (and unquoted expansions) are the pattern, as bash's cond.c takes them.
 */
function* condPattern(raw: string, sh: ShellState, st: Streams, kind: "glob" | "regex"): Generator<Effect, string, EffectResult> {
  const literal = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const pattern = (t: string) => (kind === "regex" ? ereToJs(t) : literal(t).replace(/\\\*/g, ".*").replace(/\\\?/g, "."));
  let out = "";
  let text = ""; // unquoted characters, converted together ([[:space:]], X*? span several)
  let j = 0;
  while (j < raw.length) {
    const c = raw[j]!;
    const len = condCharLength(raw, j);
    const piece = raw.slice(j, j + len);
    j += len;
    if (c !== "'" && c !== "\"" && c !== "\\" && c !== "$" && c !== "`") { text += piece; continue; }
    const value = (yield* expandWord(piece, sh, st, false)).join("");
    if (c === "$" || c === "`") { text += value; continue; }
    out += pattern(text) + literal(value);
    text = "";
  }
  return out + pattern(text);
}

// ---------------------------------------------------------------------------------
// Expansion

/** Expands words into fields: parameters, command substitution, arithmetic, quote removal, field splitting, globbing. */
export function* expandWords(words: string[], sh: ShellState, st: Streams): Generator<Effect, string[], EffectResult> {
  const out: string[] = [];
  // one field at a time: a word can split into more fields than a spread may pass as arguments
  for (const w of words) for (const f of yield* expandWord(w, sh, st, true)) out.push(f);
  return out;
}

/** Expands one word; without split it yields exactly one field (assignments, redirection targets). */
export function* expandWord(raw: string, sh: ShellState, st: Streams, split: boolean): Generator<Effect, string[], EffectResult> {
  const fields: string[] = [];
  let cur: string | null = null;
  let glob = false;
  const addQuoted = (t: string) => { cur = (cur ?? "") + t; };
  const addUnquoted = (t: string) => {
    if (!split) { cur = (cur ?? "") + t; return; }
    const parts = t.split(/[ \t\n]+/);
    parts.forEach((p, i) => {
      if (i > 0 && cur !== null) { fields.push(cur); cur = null; }
      if (p !== "") cur = (cur ?? "") + p;
    });
  };
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "'") { const e = raw.indexOf("'", i + 1); addQuoted(raw.slice(i + 1, e)); i = e + 1; continue; }
    if (c === "\\") { addQuoted(raw[i + 1] ?? ""); i += 2; continue; }
    if (c === "\"") {
      const end = i + quotedLength(raw, i);
      addQuoted(yield* expandDoubleQuoted(raw.slice(i + 1, end - 1), sh, st));
      i = end;
      continue;
    }
    if (c === "$" || c === "`") {
      const [text, len] = yield* expandDollar(raw, i, sh, st);
      if (len > 0) { addUnquoted(text); i += len; continue; }
    }
    if (c === "*" || c === "?") glob = true;
    cur = (cur ?? "") + c;
    i++;
  }
  if (cur !== null) fields.push(cur);
  if (!split) return [fields.join("")];
  return glob ? fields.flatMap((f) => globField(f, sh)) : fields;
}

/**
 * Expands the inside of "..."; a here-document's body (heredoc) is expanded the same way but for
 * `"`, which a backslash does not quote there, and a backslash-newline, which joins lines (POSIX 2.7.4).
 */
function* expandDoubleQuoted(body: string, sh: ShellState, st: Streams, heredoc = false): Generator<Effect, string, EffectResult> {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (heredoc && c === "\\" && body[i + 1] === "\n") { i += 2; continue; }
    if (c === "\\" && (heredoc ? "$`\\" : "$`\"\\\n").includes(body[i + 1] ?? "")) { out += body[i + 1]; i += 2; continue; }
    if (c === "$" || c === "`") {
      const [text, len] = yield* expandDollar(body, i, sh, st);
      if (len > 0) { out += text; i += len; continue; }
    }
    out += c;
    i++;
  }
  return out;
}

/** Expands the $-form at s[i]: returns its text and how many characters it spans (0: a literal $). */
function* expandDollar(s: string, i: number, sh: ShellState, st: Streams): Generator<Effect, [string, number], EffectResult> {
  if (s[i] === "`" || s.startsWith("$(", i)) {
    const len = substitutionLength(s, i);
    if (s.startsWith("$((", i)) {
      const expr = s.slice(i + 3, i + len - 2);
      return [String(evalArithmetic(expr, sh)), len];
    }
    const inner = s[i] === "`" ? s.slice(i + 1, i + len - 1) : s.slice(i + 2, i + len - 1);
    return [yield* commandSubstitution(inner, sh, st), len];
  }
  if (s.startsWith("${", i)) {
    const len = substitutionLength(s, i);
    return [yield* expandBraced(s.slice(i + 2, i + len - 1), sh, st), len];
  }
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*!-])/.exec(s.slice(i));
  if (!m) return ["", 0];
  if (m[1] === "!") return [yield* lastJobPid(sh), m[0].length];
  return [parameter(m[1]!, sh), m[0].length];
}

/**
 * $!: the last background job's pid, asked of the process table the first time it is named (so a
 * script that never names it takes no pid); empty before any job, as ash's backgndpid is unset.
 * Without a process table to answer, the job's pid is the shell's own plus its place among its jobs.
 */
function* lastJobPid(sh: ShellState): Generator<Effect, string, EffectResult> {
  const run = sh.lastJob;
  if (run === undefined) return "";
  const known = sh.jobPids?.get(run);
  if (known !== undefined) return String(known);
  const r = yield* perform(sh, { type: "fork" });
  const pid = r?.type === "fork" ? r.pid : 2 + (sh.jobPids?.size ?? 0);
  sh.jobPids = new Map([...(sh.jobPids ?? []), [run, pid]]);
  return String(pid);
}

/** The value of a parameter: a variable, a positional or a special one. */
function parameter(name: string, sh: ShellState): string {
  switch (name) {
    case "?": return String(sh.status);
    case "$": return "1";
    case "!": return "";
    case "-": return "";
    case "#": return String(sh.positional.length - 1);
    case "@": case "*": return sh.positional.slice(1).join(" ");
  }
  if (/^[0-9]$/.test(name)) return sh.positional[Number(name)] ?? "";
  return sh.vars.get(name) ?? "";
}

/**
 * Bash's indexed array: element i is kept as the variable `name[i]` (a name no assignment can
 * spell), and `$name` is element 0, as in bash. A new assignment drops the old elements.
 */
function assignArray(name: string, items: string[], sh: ShellState): void {
  const prefix = `${name}[`;
  for (const k of [...sh.vars.keys()]) if (k.startsWith(prefix)) sh.vars.delete(k);
  items.forEach((v, i) => sh.vars.set(`${name}[${i}]`, v));
  if (items.length > 0) sh.vars.set(name, items[0]!);
  else sh.vars.delete(name);
}

/** `${name[index]}` (index arithmetic, after expansion), `${name[@]}` and `${name[*]}`, in bash. */
function* arrayElement(name: string, index: string, sh: ShellState, st: Streams): Generator<Effect, string, EffectResult> {
  if (index === "@" || index === "*") {
    const out: string[] = [];
    for (let i = 0; sh.vars.has(`${name}[${i}]`); i++) out.push(sh.vars.get(`${name}[${i}]`)!);
    return out.length > 0 ? out.join(" ") : sh.vars.get(name) ?? "";
  }
  const i = evalArithmetic((yield* expandWord(index, sh, st, false)).join(""), sh);
  return i === 0 ? sh.vars.get(`${name}[0]`) ?? sh.vars.get(name) ?? "" : sh.vars.get(`${name}[${i}]`) ?? "";
}

function* expandBraced(body: string, sh: ShellState, st: Streams): Generator<Effect, string, EffectResult> {
  if (body.startsWith("#")) return String(parameter(body.slice(1), sh).length);
  const element = sh.shellName === "bash" ? /^([A-Za-z_][A-Za-z0-9_]*)\[([^\]]+)\]$/.exec(body) : null;
  if (element) return yield* arrayElement(element[1]!, element[2]!, sh, st);
  const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*!-])(:?[-=+?])?([\s\S]*)$/.exec(body);
  if (!m) return "";
  const [, name, op, word] = m as unknown as [string, string, string | undefined, string];
  const value = parameter(name, sh);
  const isSet = sh.vars.has(name) || !/^[A-Za-z_]/.test(name);
  if (!op) return value;
  const missing = op.startsWith(":") ? value === "" : !isSet;
  const alt = () => expandWord(word, sh, st, false);
  switch (op.slice(-1)) {
    case "-": return missing ? (yield* alt()).join("") : value;
    case "=": { if (!missing) return value; const v = (yield* alt()).join(""); sh.vars.set(name, v); return v; }
    case "+": return missing ? "" : (yield* alt()).join("");
    default: return value;
  }
}

/** Runs $(...) in a subshell, returning its output without trailing newlines. */
function* commandSubstitution(source: string, sh: ShellState, st: Streams): Generator<Effect, string, EffectResult> {
  let captured = "";
  const saved = { vars: copyVars(sh.vars), exported: copyNames(sh.exported), cwd: sh.cwd, line: sh.line, errexit: sh.errexit, xtrace: sh.xtrace, substitutionDepth: sh.substitutionDepth };
  sh.substitutionDepth = (sh.substitutionDepth ?? 0) + 1;
  let status: number;
  try {
    status = yield* runScript(source, sh, { stdin: "", out: (t) => { captured += t; }, err: st.err });
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
    status = e.code;
  } finally { Object.assign(sh, saved); }
  sh.status = status;
  sh.substitutions++;
  return captured.replace(/\n+$/, "");
}

/** Glob on the last path component against the filesystem; no match keeps the word (POSIX). */
function globField(field: string, sh: ShellState): string[] {
  if (!/[*?]/.test(field)) return [field];
  const slash = field.lastIndexOf("/");
  const dir = slash >= 0 ? field.slice(0, slash) || "/" : ".";
  const pattern = field.slice(slash + 1);
  const names = sh.io.fs.list(resolvePath(sh.cwd, dir));
  if (!Array.isArray(names) || /[*?]/.test(field.slice(0, Math.max(0, slash)))) return [field];
  const re = new RegExp("^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
  const hits = names.filter((n) => re.test(n) && (pattern.startsWith(".") || !n.startsWith(".")));
  if (hits.length === 0) return [field];
  return hits.map((n) => (slash >= 0 ? field.slice(0, slash + 1) + n : n));
}

// ---------------------------------------------------------------------------------
// Arithmetic: integers, variables, + - * / % comparisons && || ! and parentheses.

/** Evaluates $((...)); a division by zero or bad syntax yields 0 (documented simplification). */
export function evalArithmetic(expr: string, sh: ShellState): number {
  const toks = expr.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|\$[A-Za-z_][A-Za-z0-9_]*|&&|\|\||[<>=!]=|[-+*/%()<>!]/g) ?? [];
  let pos = 0;
  const peek = () => toks[pos];
  const bin = (next: () => number, ops: Record<string, (a: number, b: number) => number>) => (): number => {
    let v = next();
    while (peek() !== undefined && Object.hasOwn(ops, peek()!)) { const op = ops[toks[pos++]!]!; v = op(v, next()); }
    return v;
  };
  const atom = (): number => {
    const t = toks[pos++];
    if (t === undefined) return 0;
    if (t === "(") { const v = or(); pos++; return v; }
    if (t === "-") return -atom();
    if (t === "+") return atom();
    if (t === "!") return atom() === 0 ? 1 : 0;
    if (/^\d+$/.test(t)) return Number(t);
    const name = t.replace(/^\$/, "");
    return Math.trunc(Number(sh.vars.get(name) ?? 0)) || 0;
  };
  const mul = bin(atom, { "*": (a, b) => a * b, "/": (a, b) => (b === 0 ? 0 : Math.trunc(a / b)), "%": (a, b) => (b === 0 ? 0 : a % b) });
  const add = bin(mul, { "+": (a, b) => a + b, "-": (a, b) => a - b });
  const cmp = bin(add, { "<": (a, b) => +(a < b), ">": (a, b) => +(a > b), "<=": (a, b) => +(a <= b), ">=": (a, b) => +(a >= b) });
  const eq = bin(cmp, { "==": (a, b) => +(a === b), "!=": (a, b) => +(a !== b) });
  const and = bin(eq, { "&&": (a, b) => +(a !== 0 && b !== 0) });
  const or = bin(and, { "||": (a, b) => +(a !== 0 || b !== 0) });
  return or();
}

/**
 * read [-r] [-p PROMPT] [NAME...]: one line of stdin split on IFS whitespace into the names (the
 * last takes the rest; REPLY when none given); without -r a backslash escapes the next character.
 * Status 1 at end of input, the names set to what there was. On an empty pipe whose writer runs
 * on, it waits for more.
 */
function* readLine(args: string[], sh: ShellState, st: Streams): Gen {
  let raw = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (names.length === 0 && a === "-r") raw = true;
    else if (names.length === 0 && a === "-p") i++; // the prompt goes to a terminal only
    else names.push(a);
  }
  const pipe = st.pipe ?? { buf: st.stdin, closed: true, readerGone: false };
  while (!pipe.buf.includes("\n") && !pipe.closed) yield* perform(sh, { type: "input", pipe });
  const nl = pipe.buf.indexOf("\n");
  const line = nl >= 0 ? pipe.buf.slice(0, nl) : pipe.buf;
  pipe.buf = nl >= 0 ? pipe.buf.slice(nl + 1) : "";
  const text = raw ? line : line.replace(/\\(.)/g, "$1").replace(/\\$/, "");
  const vars = names.length > 0 ? names : ["REPLY"];
  // busybox ash and bash alike: leading and trailing IFS whitespace goes, the last name takes the rest
  let rest = names.length > 0 ? text.replace(/^[ \t]+/, "") : text;
  for (let i = 0; i < vars.length; i++) {
    const last = i === vars.length - 1;
    const m = last ? undefined : /^(\S*)[ \t]*/.exec(rest);
    const value = last ? (names.length > 0 ? rest.replace(/[ \t]+$/, "") : rest) : m![1]!;
    rest = last ? "" : rest.slice(m![0].length);
    sh.vars.set(vars[i]!, value);
  }
  return nl >= 0 ? 0 : 1;
}
