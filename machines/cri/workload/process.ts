// A container's process as a value. A generator cannot be copied, forked or frozen, so a context
// holds instead what the process started from and every turn it has taken (the time, the answers
// to its effects, the results of its filesystem calls): a fresh generator replayed on that
// history is in the same state, since programs are deterministic given what the world tells them.
// A cache maps the latest value to its live generator, so the common case (the next turn of the
// same value) never replays; a fork, or an older snapshot stepped again, replays once.

import type { ProcessUser } from "../identity.js";
import type { ImageInfo } from "../registry.js";
import type { EnvParts } from "../messages.js";
import { emptyTree, fileSystemCalls, MemFS, resolvePath, splitPath, type FileSystem, type FsSlot, type FsTree, type FsWriter } from "./memfs.js";
import { startContainer } from "./index.js";
import { execProcess, shellLine, type ShellSnapshot } from "./exec.js";
import type { Streams } from "./shell.js";
import type { Effect, EffectResult, Listener, ListenerRequest, Process, ProcessIO } from "./types.js";

/** What a process sees of the world during one call: the time, its log, its filesystem's trees by key. */
export interface World {
  readonly now: number;
  log(stream: "stdout" | "stderr", line: string): void;
  /** the tree kept under key; first: only a path under that entry of it is read (the tree may leave other entries as they are kept) */
  tree(key: string, first?: string): FsTree;
  setTree(key: string, tree: FsTree): void;
  /** an exec'd process's output as written (its own streams, not the container's log) */
  write?(stream: "stdout" | "stderr", text: string): void;
  /** whether a process of the pod (one network namespace) listens on the port */
  bound?(port: number): boolean;
  /** /proc/<pid> of the process's pid namespace: its command line and its root filesystem (another container's, in a shared namespace) */
  proc?(pid: number): ProcEntry | undefined;
}

/** What /proc/<pid> shows of a process: cmdline, and root (absent: a process whose root is not a container's, /pause). */
export interface ProcEntry {
  readonly cmdline: readonly string[];
  readonly root?: () => FileSystem;
}

/** A filesystem's layout: the root is the tree under key "", each mount a path and its tree's key. */
export type FsLayout = readonly (readonly [path: string, key: string])[];

/** Enough to start the same process again: what startContainer takes, and when it started. */
export interface ProcessSpec {
  readonly image: ImageInfo;
  readonly command?: string[] | undefined;
  readonly args?: string[] | undefined;
  readonly env: Readonly<Record<string, string>> | EnvParts;
  readonly ports: number[];
  readonly startedAt: number;
  readonly layout: FsLayout;
  /** spec.stdin: the process's stdin is held open for an attach (a terminal with spec.tty, else a pipe) */
  readonly terminal?: boolean;
  /** its credentials (uid, gid, groups); absent: root */
  readonly user?: ProcessUser;
  /** the HOME runc sets where the env has none (a main process; an exec's env comes with it) */
  readonly home?: string;
  /** set for a process started beside the container's own (kubectl exec): what it runs */
  readonly exec?: ExecSpec;
}

/** What an exec'd process runs: argv with all of its stdin, or one line typed at an interactive shell. */
export type ExecSpec =
  | { readonly argv: readonly string[]; readonly stdin: string; readonly env: Readonly<Record<string, string>>; /** its stdout is a terminal (kubectl exec -t) */ readonly tty?: boolean }
  | { readonly line: string; readonly snap: ShellSnapshot; readonly env: Readonly<Record<string, string>> };

/** What a filesystem call returned (a file's content, a listing, an error, true or false, nothing). */
export type FsResult = ReturnType<FileSystem[keyof FileSystem]>;

/**
 * One turn: resumed `n` times at `now`; the answers that were not undefined by resumption; what
 * its filesystem calls returned, in order. A loop that sleeps the same time and sees the same
 * results is one turn taken `times` times, `every` ms apart: its history stays the same size
 * however long it runs.
 */
export interface Turn {
  readonly now: number;
  readonly n: number;
  readonly answers: readonly (readonly [index: number, answer: EffectResult])[] | undefined;
  readonly fs: readonly FsResult[] | undefined;
  readonly times?: number;
  readonly every?: number;
}

/** The turns taken, newest first: a list that each turn extends without copying. */
export interface History {
  readonly turn: Turn;
  readonly prev: History | undefined;
}

/**
 * A process as a value: never changed, replaced by the next one after each turn. A class, so a
 * draft step (mutative) keeps it as it is instead of drafting it: its identity keys the cache.
 */
export class ProcessValue {
  constructor(
    readonly spec: ProcessSpec,
    readonly history: History | undefined,
    readonly turns: number,
    /** set when the runtime could not start the process (containerd's StartError) */
    readonly startError?: string,
  ) {}
}

/**
 * The process's ProcessIO: its calls go to the world bound for the call under way. Its
 * filesystem's results are recorded during a turn and given back, in order, during a replay.
 */
class Port {
  world: World | undefined;
  /** the results of this turn's filesystem calls, while a turn records them */
  recording: FsResult[] | undefined;
  /** the results to give back while replaying a turn */
  replaying: { results: readonly FsResult[]; next: number } | undefined;
  readonly fs: FileSystem;
  readonly env: Record<string, string> = {};
  constructor(layout: FsLayout, user?: ProcessUser) {
    const real = withProc(fsOf(layout, () => this.bound(), user), () => this.bound());
    const fs: Record<string, (...args: never[]) => FsResult> = {};
    for (const name of fileSystemCalls) {
      const call = real[name].bind(real) as (...args: never[]) => FsResult;
      fs[name] = (...args) => {
        const r = this.replaying;
        if (r !== undefined) {
          if (r.next >= r.results.length) throw new Error("replaying a process: it made a filesystem call it did not make before");
          return r.results[r.next++];
        }
        const result = call(...args);
        this.recording?.push(result);
        return result;
      };
    }
    this.fs = fs as unknown as FileSystem;
  }
  bound(): World {
    if (this.world === undefined) throw new Error("a process ran outside a step of its runtime");
    return this.world;
  }
  // own properties, so a spread copy ({ ...io }) still reaches the bound world
  readonly now = (): number => this.bound().now;
  readonly stdout = (line: string): void => this.bound().log("stdout", line);
  readonly stderr = (line: string): void => this.bound().log("stderr", line);
  /** an exec'd process's output: to the world's writer (none while replaying: it was sent already) */
  readonly write = (stream: "stdout" | "stderr", text: string): void => this.bound().write?.(stream, text);
  /** whether the pod listens on a port: the world's answer, recorded and replayed as a filesystem call's */
  readonly listens = (port: number): boolean => {
    const r = this.replaying;
    if (r !== undefined) {
      if (r.next >= r.results.length) throw new Error("replaying a process: it asked what it did not ask before");
      return r.results[r.next++] === true;
    }
    const result = this.bound().bound?.(port) === true;
    this.recording?.push(result);
    return result;
  };
}

/** The prefix of a layout key mounted read-only. */
export const READ_ONLY = "ro:";

/** A layout entry (at path "") saying the container's AppArmor profile denies every write. */
export const DENY_WRITES: readonly [string, string] = ["", "apparmor:deny-w"];

/**
 * A layout entry (at path "") saying the container's root filesystem is read-only
 * (readOnlyRootFilesystem); the paths after the key are bound read-write over it (runc's /dev
 * tmpfs, the kubelet's /etc/hosts, /etc/hostname, /etc/resolv.conf and termination log).
 */
export const READ_ONLY_ROOT = "ro-rootfs:";

/** Between a tree's key and a directory in it: a subPath mount of that directory alone. */
const SUBPATH = "//";

/** The layout key of the directory `subPath` of the tree kept under `key` (a volume's subPath mount). */
export function subPathKey(key: string, subPath: string): string {
  return `${key}${SUBPATH}${splitPath(subPath).join("/")}`;
}

/** A filesystem handle over a world's trees, laid out by `layout` (mount points already in the root tree); what it makes is user's (root by default), at the world's time. */
export function fsOf(layout: FsLayout, world: () => World, user?: ProcessUser): MemFS {
  const writer = (): FsWriter => ({ uid: user?.uid ?? 0, gid: user?.gid ?? 0, now: world().now, groups: user?.groups ?? [], ...(user?.caps ? { caps: user.caps } : {}) });
  const slot = (key: string): FsSlot => {
    const at = key.indexOf(SUBPATH);
    if (at < 0) return { get: () => world().tree(key), set: (t) => world().setTree(key, t), getFor: (first) => world().tree(key, first) };
    // a directory of the tree: read out of it, written back into it, so the volume sees the writes
    const base = key.slice(0, at);
    const parts = key.slice(at + SUBPATH.length).split("/");
    return {
      get: () => (world().tree(base).getIn(parts) as FsTree | undefined) ?? emptyTree,
      set: (t) => world().setTree(base, world().tree(base).setIn(parts, t)),
    };
  };
  const denyWrites = layout.some(([path, key]) => path === DENY_WRITES[0] && key === DENY_WRITES[1]);
  const roRoot = layout.find(([path, key]) => path === "" && key.startsWith(READ_ONLY_ROOT));
  const writable = roRoot ? roRoot[1].slice(READ_ONLY_ROOT.length).split(",").filter((p) => p !== "") : [];
  const fs = new MemFS(slot(""), roRoot ? true : denyWrites ? "EACCES" : false, writer, writable);
  // A key marked read-only ("ro:") mounts its tree read-only (EROFS is found before AppArmor's EACCES).
  for (const [path, key] of layout) {
    if (path === "") continue;
    const ro = key.startsWith(READ_ONLY);
    fs.attach(path, new MemFS(slot(ro ? key.slice(READ_ONLY.length) : key), ro || (denyWrites ? "EACCES" : false)));
  }
  return fs;
}

interface Live {
  port: Port;
  proc: Process;
  /** an interactive line's outcome once it ran to its end: the shell after it, its exit */
  lineResult?: { snap: ShellSnapshot; exited?: number };
  /** a listener ran in it: listeners' calls are not recorded, so what they changed would not replay */
  heard?: boolean;
}

// The live generator of each latest value. Keys are values (never drafts); a live process holds
// no world between calls, so nothing of a step outlives it.
const lives = new WeakMap<ProcessValue, Live>();

/** Counts replays (a fork's or an old snapshot's first turn), for tests and measurements. */
export const replayStats = { replays: 0, turnsReplayed: 0 };

function spawn(spec: ProcessSpec): Live {
  const port = new Port(spec.layout, spec.user);
  port.world = { now: spec.startedAt, log: noLog, tree: notRead, setTree: notRead };
  try {
    if (spec.exec) return spawnExec(spec, spec.exec, port);
    const proc = startContainer({ image: spec.image, command: spec.command, args: spec.args, env: spec.env, fs: port.fs, ports: spec.ports, ...(spec.terminal ? { terminal: true } : {}), ...(spec.user ? { user: spec.user } : {}), ...(spec.home !== undefined ? { home: spec.home } : {}) }, port);
    return { port, proc };
  } finally {
    port.world = undefined;
  }
}

/** An exec'd process: its output to its own streams (a line logged goes to stdout, as execIO's). */
function spawnExec(spec: ProcessSpec, ex: ExecSpec, port: Port): Live {
  const io: ProcessIO = {
    now: port.now, stdout: (l) => port.write("stdout", `${l}\n`), stderr: (l) => port.write("stdout", `${l}\n`), fs: port.fs, env: { ...ex.env },
    ...(spec.user ? { user: spec.user } : {}),
  };
  const st: Streams = { stdin: "stdin" in ex ? ex.stdin : "", out: (t) => port.write("stdout", t), err: (t) => port.write("stderr", t) };
  if ("line" in ex) {
    const live: Live = { port, proc: { run: undefined as never, listeners: new Map() } };
    live.proc.run = (function* () {
      const r = yield* shellLine(ex.line, ex.snap, io, spec.image, st);
      live.lineResult = r;
      return r.exited ?? 0;
    })();
    return live;
  }
  const p = execProcess(ex.argv, io, spec.image, st, port.listens, ex.tty === true);
  if ("startError" in p) return { port, proc: { run: (function* (): Generator<Effect, number, EffectResult> { return 126; })(), listeners: new Map(), startError: p.startError } };
  return { port, proc: { run: p.run, listeners: new Map() } };
}

/** The shell and exit an interactive line left once its process ended (undefined before). */
export function lineResultOf(v: ProcessValue): { snap: ShellSnapshot; exited?: number } | undefined {
  return liveOf(v).lineResult;
}

function noLog(): void {}
function notRead(): never {
  throw new Error("a process read its filesystem before it ran");
}

/** Starts a process at spec.startedAt: the value before its first turn. */
export function startProcess(spec: ProcessSpec): ProcessValue {
  const live = spawn(spec);
  const v = new ProcessValue(spec, undefined, 0, live.proc.startError);
  lives.set(v, live);
  return v;
}

/** The live generator of a value: the cached one, or a fresh one replayed on the value's history. */
function liveOf(v: ProcessValue): Live {
  const hit = lives.get(v);
  if (hit) return hit;
  const live = replay(v);
  lives.set(v, live);
  return live;
}

function replay(v: ProcessValue): Live {
  replayStats.replays++;
  const live = spawn(v.spec);
  const turns: Turn[] = [];
  for (let h = v.history; h; h = h.prev) turns.push(h.turn);
  for (let t = turns.length - 1; t >= 0; t--) {
    const turn = turns[t]!;
    for (let j = 0; j < (turn.times ?? 1); j++) replayTurn(live, turn, turn.now + j * (turn.every ?? 0), t === 0 && j === (turn.times ?? 1) - 1);
  }
  return live;
}

function replayTurn(live: Live, turn: Turn, now: number, last: boolean): void {
  const run = live.proc.run;
  replayStats.turnsReplayed++;
  const replaying = { results: turn.fs ?? [], next: 0 };
  live.port.world = { now, log: noLog, tree: notRead, setTree: notRead };
  live.port.replaying = replaying;
  try {
    let a = 0;
    for (let i = 0; i < turn.n; i++) {
      const answers = turn.answers;
      const input = answers !== undefined && a < answers.length && answers[a]![0] === i ? answers[a++]![1] : undefined;
      if (run.next(input).done && (i < turn.n - 1 || !last)) throw new Error("replaying a process: it ended before its history did");
    }
    if (replaying.next !== replaying.results.length) throw new Error("replaying a process: it made fewer filesystem calls than before");
  } finally {
    live.port.world = undefined;
    live.port.replaying = undefined;
  }
}

/** A turn under way: resume the process, then close the turn for the next value. */
export interface OpenTurn {
  next(input: EffectResult): IteratorResult<Effect, number>;
  /** The value after this turn (the live generator now belongs to it). */
  close(): ProcessValue;
}

/**
 * Opens a turn of a process in a world: every resumption and what its filesystem calls return
 * are recorded; close() must follow in the same step (it unbinds the world, so no draft outlives
 * the step).
 */
export function openTurn(v: ProcessValue, world: World): OpenTurn {
  const live = liveOf(v);
  const results: FsResult[] = [];
  const answers: [number, EffectResult][] = [];
  let n = 0;
  const saved = { world: live.port.world, recording: live.port.recording };
  live.port.world = world;
  live.port.recording = results;
  let closed = false;
  return {
    next(input) {
      if (input !== undefined) answers.push([n, input]);
      n++;
      try {
        return live.proc.run.next(input);
      } catch (e) {
        // the generator is finished: neither v nor a next value may reach it again
        lives.delete(v);
        throw e;
      }
    },
    close() {
      if (closed) throw new Error("a process turn closed twice");
      closed = true;
      live.port.world = saved.world;
      live.port.recording = saved.recording;
      if (n === 0) return v;
      const turn: Turn = { now: world.now, n, answers: answers.length > 0 ? answers : undefined, fs: results.length > 0 ? results : undefined };
      const next = new ProcessValue(v.spec, extend(v.history, turn), v.turns + 1, v.startError);
      // the live generator has moved past v: v (held by an older snapshot or a fork) replays
      lives.delete(v);
      lives.set(next, live);
      return next;
    },
  };
}

/**
 * Lets the live generator of a process blocked until it is killed (a server, sleep infinity) go:
 * it is most of a running container's heap (its shell, its program's closures) and is needed again
 * only when the container is signalled, connected to or exec'd into, when the value's history
 * rebuilds it (a server's history is its few start-up turns). A generator a listener ran in is kept.
 */
export function park(v: ProcessValue): void {
  if (lives.get(v)?.heard !== true) lives.delete(v);
}

/** The history with one more turn: the last turn taken once more when this one repeats it. */
function extend(history: History | undefined, turn: Turn): History {
  const last = history?.turn;
  if (last === undefined || turn.answers !== undefined || last.answers !== undefined || last.n !== turn.n || !sameResults(last.fs, turn.fs)) return { turn, prev: history };
  const times = last.times ?? 1;
  const every = last.every ?? turn.now - last.now;
  if (turn.now !== last.now + times * every) return { turn, prev: history };
  return { turn: { ...last, times: times + 1, every }, prev: history!.prev };
}

function sameResults(a: Turn["fs"], b: Turn["fs"]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => sameResult(x, b[i]));
}

function sameResult(a: FsResult, b: FsResult): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a !== "object" || typeof b !== "object" || Array.isArray(b)) return false;
  // an error, or a stat's fields (each a number or a string)
  const ka = Object.keys(a) as (keyof typeof a)[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === (b as typeof a)[k]);
}

/** The ports the process listens on now. */
export function listening(v: ProcessValue): ReadonlyMap<number, Listener> {
  return liveOf(v).proc.listeners;
}

/** Calls the process's listener on a port in a world (its log and filesystem), or undefined when none listens there. */
export function callListener(v: ProcessValue, port: number, world: World, req: ListenerRequest): ReturnType<Listener> | undefined {
  const live = liveOf(v);
  const l = live.proc.listeners.get(port);
  if (!l) return undefined;
  // a listener's calls are not the process's turn: nothing of them is recorded, so this generator
  // is no longer one a replay would rebuild (park keeps it)
  live.heard = true;
  const saved = { world: live.port.world, recording: live.port.recording };
  live.port.world = world;
  live.port.recording = undefined;
  try {
    return l(req);
  } finally {
    live.port.world = saved.world;
    live.port.recording = saved.recording;
  }
}

/** A ProcessIO over a world for an exec'd command (a probe, a hook), with its output captured. */
export function execIO(layout: FsLayout, world: World, env: Record<string, string>, out: (line: string) => void, user?: ProcessUser): ProcessIO {
  return { now: () => world.now, stdout: out, stderr: out, fs: withProc(fsOf(layout, () => world, user), () => world), env, ...(user ? { user } : {}) };
}

const procPath = /^\/proc\/(\d{1,9})\/(cmdline|root)(\/.*)?$/;

/** The /proc/<pid>/(cmdline|root) a path names, if it names one: the path's components are pieces of it, so one without "proc" names none and is not normalised. */
export function procPathMatch(path: string): RegExpExecArray | null {
  return path.includes("proc") ? procPath.exec(resolvePath("/", path)) : null;
}

/**
 * A filesystem whose /proc/<pid>/cmdline and /proc/<pid>/root are the kernel's: the command line
 * NUL-separated, and the root a link to that process's root filesystem (procfs proc_root_link), so
 * a shared namespace's processes reach each other's containers' files. Other paths, and a pid
 * the namespace does not have, are the filesystem's own.
 */
function withProc(real: MemFS, world: () => World): FileSystem {
  const out: Record<string, (...args: never[]) => FsResult> = {};
  for (const name of fileSystemCalls) {
    const call = real[name].bind(real) as (...args: never[]) => FsResult;
    out[name] = (...args: never[]) => {
      const path = args[0] as unknown;
      const m = typeof path === "string" ? procPathMatch(path) : null;
      const entry = m ? world().proc?.(Number(m[1])) : undefined;
      if (!m || entry === undefined) return call(...args);
      if (m[2] === "cmdline") {
        if (m[3] !== undefined && m[3] !== "/") return name === "exists" || name === "isDir" || name === "isFile" ? false : name === "list" || name === "read" ? { error: "ENOTDIR" } : "ENOTDIR";
        switch (name) {
          case "exists": case "isFile": return true;
          case "isDir": return false;
          case "read": return entry.cmdline.map((a) => `${a}\0`).join("");
          case "list": return ["cmdline"];
          default: return "EACCES";
        }
      }
      const root = entry.root?.();
      if (root === undefined) return name === "exists" || name === "isDir" || name === "isFile" ? false : name === "list" || name === "read" ? { error: "ENOENT" } : "ENOENT";
      const inner = (root[name] as (...a: unknown[]) => FsResult).bind(root);
      return inner(m[3] ?? "/", ...args.slice(1));
    };
  }
  return out as unknown as FileSystem;
}
