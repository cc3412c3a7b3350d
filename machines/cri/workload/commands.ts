// The utilities the shell runs in-process, with busybox's wording (or GNU coreutils' on
// Debian-based images) so logs look like a real container's.
import { nodeKernelRelease } from "../../common/kernel.js";
import { joinHostPort, parseIPSloppy } from "../../common/ip.js";
import { civilFromDays } from "../../common/time.js";
import { parseGroup, parsePasswd, type ProcessUser } from "../identity.js";
import { fileSystemCalls, resolvePath, type FileSystem, type FsError } from "./memfs.js";
import { busyboxPathOf, killApplet, LoopBoundExceeded, perform, POSIX_CLASSES, runArgv, signalNumber, type Gen, type ShellState, type Streams, type Utility } from "./shell.js";
import type { DnsResult, Effect, EffectResult, HttpResult, PingResult, SysinfoResult, TlsOptions } from "./types.js";
import { tar } from "./tar.js";
import * as listing from "./listing.js";
import { df, find as findWalk, humanReadable } from "./fsapplets.js";
import { sysctl } from "./sysctl.js";
import { parseAwk, runAwk } from "./awk.js";

export const errnoText: Record<FsError, string> = {
  ENOENT: "No such file or directory", EEXIST: "File exists", ENOTDIR: "Not a directory",
  EISDIR: "Is a directory", ENOTEMPTY: "Directory not empty", EROFS: "Read-only file system", EACCES: "Permission denied",
  ELOOP: "Too many levels of symbolic links", EINVAL: "Invalid argument", EPERM: "Operation not permitted",
};

const gnu = (sh: ShellState) => sh.userland === "gnu";
const path = (sh: ShellState, p: string) => resolvePath(sh.cwd, p);
// A file argument's content; /dev/null is the null device, which reads as empty (end of file at once):
// `tail -f /dev/null`, the docs' way to keep a container running, follows it silently.
const readPath = (sh: ShellState, p: string) => (resolvePath(sh.cwd, p) === "/dev/null" ? "" : sh.io.fs.read(resolvePath(sh.cwd, p)));

/** The character devices every container's /dev has (runc's default devices): they exist, and are no regular files. */
const devices = new Set(["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"]);
const isDevice = (sh: ShellState, p: string) => devices.has(path(sh, p));

/**
 * n bytes read from a device: zeros from /dev/zero, and from /dev/urandom bytes of a xorshift
 * seeded by the clock (deterministic here; only their count matters to the scripts that read them).
 */
function deviceBytes(dev: string, n: number, seed: number): string {
  if (dev === "/dev/zero") return "\0".repeat(n);
  if (dev === "/dev/null") return "";
  let x = (seed % 0x7fffffff) | 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out += String.fromCharCode(x & 0xff);
  }
  return out;
}

/** Splits leading single-letter flags ("-rf" → r, f) from operands; "--" ends flags. */
function flags(args: string[], withValue = ""): { set: Set<string>; values: Map<string, string>; rest: string[] } {
  const set = new Set<string>();
  const values = new Map<string, string>();
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") { i++; break; }
    if (!/^-[A-Za-z0-9]/.test(a)) break;
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (withValue.includes(f)) { values.set(f, a.slice(j + 1) || (args[++i] ?? "")); break; }
      set.add(f);
    }
  }
  return { set, values, rest: args.slice(i) };
}

/** busybox/GNU sleep durations: seconds with optional fraction and s/m/h/d suffix; "infinity" blocks. */
export function parseDuration(arg: string): number | "infinity" | undefined {
  if (arg === "infinity" || arg === "inf") return "infinity";
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]!]!;
  return Math.round(Number(m[1]) * unit * 1000);
}

function* sleep(argv: string[], sh: ShellState, st: Streams): Gen {
  if (argv.length < 2) { st.err(gnu(sh) ? "sleep: missing operand\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: sleep [N]...\n"); return 1; }
  let total = 0;
  for (const a of argv.slice(1)) {
    const d = parseDuration(a);
    if (d === undefined) { st.err(gnu(sh) ? `sleep: invalid time interval '${a}'\n` : `sleep: invalid number '${a}'\n`); return 1; }
    if (d === "infinity") { yield* perform(sh, { type: "wait" }); return 0; }
    total += d;
  }
  yield* perform(sh, { type: "sleep", ms: total });
  return 0;
}

/** Interprets echo's backslash escapes (busybox echo -e, dash's echo always). */
function escapes(s: string): { text: string; stop: boolean } {
  const stop = s.includes("\\c");
  const text = s.split("\\c")[0]!.replace(/\\(0[0-7]{0,3}|[abefnrtv\\])/g, (_, e: string) =>
    e.startsWith("0") ? String.fromCharCode(parseInt(e.slice(1) || "0", 8)) : ({ a: "\x07", b: "\b", e: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" } as Record<string, string>)[e]!);
  return { text, stop };
}

function* echo(argv: string[], sh: ShellState, st: Streams): Gen {
  let args = argv.slice(1);
  let newline = true;
  let interpret = gnu(sh) && sh.shellName !== "bash"; // dash's echo always interprets escapes
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes("n")) newline = false;
    if (args[0].includes("e")) interpret = true;
    if (args[0].includes("E")) interpret = false;
    args = args.slice(1);
  }
  const joined = args.join(" ");
  const { text, stop } = interpret ? escapes(joined) : { text: joined, stop: false };
  st.out(text + (newline && !stop ? "\n" : ""));
  return 0;
}

function* printf(argv: string[], _sh: ShellState, st: Streams): Gen {
  const format = argv[1] ?? "";
  const args = argv.slice(2);
  let out = "";
  do {
    out += format.replace(/%([-0-9.]*)([sdiouxXc%])|\\([nt\\"])/g, (_m, _w: string, conv: string | undefined, esc: string | undefined) => {
      if (esc) return ({ n: "\n", t: "\t", "\\": "\\", "\"": "\"" } as Record<string, string>)[esc]!;
      if (conv === "%") return "%";
      const a = args.shift() ?? "";
      if (conv === "s" || conv === "c") return conv === "c" ? a.slice(0, 1) : a;
      const n = Math.trunc(Number(a) || 0);
      return conv === "x" ? n.toString(16) : conv === "X" ? n.toString(16).toUpperCase() : conv === "o" ? n.toString(8) : String(n);
    });
  } while (args.length > 0 && /%[-0-9.]*[sdiouxXc]/.test(format));
  st.out(out);
  return 0;
}

function* cat(argv: string[], sh: ShellState, st: Streams): Gen {
  const files = flags(argv.slice(1)).rest;
  if (files.length === 0 || (files.length === 1 && files[0] === "-")) { st.out(st.stdin); return 0; }
  let status = 0;
  for (const f of files) {
    const r = readPath(sh, f);
    if (typeof r === "string") { st.out(r); continue; }
    status = 1;
    if (gnu(sh)) st.err(`cat: ${f}: ${errnoText[r.error]}\n`);
    else st.err(r.error === "EISDIR" ? "cat: read error: Is a directory\n" : `cat: can't open '${f}': ${errnoText[r.error]}\n`);
  }
  return status;
}

/** rev: each line of the files (or stdin) with its characters reversed (util-linux and busybox alike). */
function* rev(argv: string[], sh: ShellState, st: Streams): Gen {
  const files = flags(argv.slice(1)).rest;
  const reverse = (text: string) => text.replace(/[^\n]+/g, (line) => [...line].reverse().join(""));
  if (files.length === 0) { st.out(reverse(st.stdin)); return 0; }
  let status = 0;
  for (const f of files) {
    const r = readPath(sh, f);
    if (typeof r === "string") { st.out(reverse(r)); continue; }
    status = 1;
    st.err(gnu(sh) ? `rev: cannot open ${f}: ${errnoText[r.error]}\n` : `rev: can't open '${f}': ${errnoText[r.error]}\n`);
  }
  return status;
}

function* touch(argv: string[], sh: ShellState, st: Streams): Gen {
  let status = 0;
  for (const f of flags(argv.slice(1)).rest) {
    const err = sh.io.fs.touch(path(sh, f));
    if (!err) continue;
    status = 1;
    st.err(gnu(sh) ? `touch: cannot touch '${f}': ${errnoText[err]}\n` : `touch: ${f}: ${errnoText[err]}\n`);
  }
  return status;
}

function* rm(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  const force = set.has("f");
  const recursive = set.has("r") || set.has("R");
  let status = 0;
  for (const f of rest) {
    const p = path(sh, f);
    if (!recursive && sh.io.fs.isDir(p)) {
      status = 1;
      st.err(gnu(sh) ? `rm: cannot remove '${f}': Is a directory\n` : `rm: '${f}' is a directory\n`);
      continue;
    }
    const err = sh.io.fs.remove(p, recursive);
    if (!err || (force && err === "ENOENT")) continue;
    status = 1;
    st.err(gnu(sh) ? `rm: cannot remove '${f}': ${errnoText[err]}\n` : `rm: can't remove '${f}': ${errnoText[err]}\n`);
  }
  return status;
}

function* mkdir(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1), "m");
  let status = 0;
  for (const d of rest) {
    const err = sh.io.fs.mkdir(path(sh, d), set.has("p"));
    if (!err) continue;
    status = 1;
    st.err(gnu(sh) ? `mkdir: cannot create directory '${d}': ${errnoText[err]}\n` : `mkdir: can't create directory '${d}': ${errnoText[err]}\n`);
  }
  return status;
}

/** ls, stat and readlink (listing.ts), with the image's names for ids and its libc's errno words. */
function* ls(argv: string[], sh: ShellState, st: Streams): Gen {
  return yield* listing.ls(argv, sh, st, names(sh), (c) => errnoText[c as FsError] ?? c);
}

function* stat(argv: string[], sh: ShellState, st: Streams): Gen {
  return yield* listing.stat(argv, sh, st, names(sh), (c) => errnoText[c as FsError] ?? c);
}

/** ln -s TARGET LINK_NAME (or into a directory under TARGET's name): symlink(2). Hard links are not modelled: the tree has one name an inode. */
function* ln(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  if (!set.has("s") || rest.length < 1 || rest.length > 2) {
    st.err(gnu(sh) ? "ln: hard links are not supported here; use ln -s\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR\n");
    return 1;
  }
  const target = rest[0]!;
  let link = rest[1] ?? target.replace(/\/+$/, "").split("/").pop()!;
  if (sh.io.fs.isDir(path(sh, link)) && !set.has("n")) link = `${link.replace(/\/+$/, "")}/${target.replace(/\/+$/, "").split("/").pop()}`;
  if (set.has("f")) sh.io.fs.remove(path(sh, link));
  const err = sh.io.fs.symlink(target, path(sh, link));
  if (!err) return 0;
  st.err(gnu(sh) ? `ln: failed to create symbolic link '${link}': ${errnoText[err]}\n` : `ln: ${link}: ${errnoText[err]}\n`);
  return 1;
}

/** chmod MODE FILE...: an octal mode (a symbolic one, u+x and the like, too) set with chmod(2). */
function* chmod(argv: string[], sh: ShellState, st: Streams): Gen {
  const { rest } = flags(argv.slice(1));
  const [mode, ...files] = rest;
  if (mode === undefined || files.length === 0) { st.err(gnu(sh) ? "chmod: missing operand\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: chmod [-Rcvf] MODE[,MODE]... FILE...\n"); return 1; }
  let status = 0;
  for (const f of files) {
    const cur = sh.io.fs.stat(path(sh, f));
    const next = "error" in cur ? undefined : applyMode(mode, cur.mode, cur.type === "dir");
    if (next === undefined) {
      status = 1;
      if ("error" in cur) st.err(gnu(sh) ? `chmod: cannot access '${f}': ${errnoText[cur.error]}\n` : `chmod: ${f}: ${errnoText[cur.error]}\n`);
      else st.err(gnu(sh) ? `chmod: invalid mode: '${mode}'\n` : `chmod: invalid mode '${mode}'\n`);
      continue;
    }
    const err = sh.io.fs.chmod(path(sh, f), next);
    if (!err) continue;
    status = 1;
    st.err(gnu(sh) ? `chmod: changing permissions of '${f}': ${errnoText[err]}\n` : `chmod: ${f}: ${errnoText[err]}\n`);
  }
  return status;
}

/**
 * chown OWNER[:GROUP] FILE...: names looked up in the image's passwd and group files (a number is
 * taken as it is), set with chown(2), which the kernel refuses without CAP_CHOWN (EPERM).
 */
function* chown(argv: string[], sh: ShellState, st: Streams): Gen {
  const { rest } = flags(argv.slice(1));
  const [spec, ...files] = rest;
  if (spec === undefined || files.length === 0) { st.err(gnu(sh) ? "chown: missing operand\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: chown [-RhLHPcvf]... USER[:[GRP]] FILE...\n"); return 1; }
  const text = (p: string) => { const r = sh.io.fs.read(p); return typeof r === "string" ? r : ""; };
  const colon = spec.indexOf(":");
  const user = colon < 0 ? spec : spec.slice(0, colon);
  const group = colon < 0 ? "" : spec.slice(colon + 1);
  const uid = user === "" ? -1 : /^\d+$/.test(user) ? Number(user) : parsePasswd(text("/etc/passwd")).find((e) => e.name === user)?.uid;
  if (uid === undefined) { st.err(gnu(sh) ? `chown: invalid user: '${spec}'\n` : `chown: unknown user ${user}\n`); return 1; }
  const gid = group === "" ? -1 : /^\d+$/.test(group) ? Number(group) : parseGroup(text("/etc/group")).find((e) => e.name === group)?.gid;
  if (gid === undefined) { st.err(gnu(sh) ? `chown: invalid group: '${spec}'\n` : `chown: unknown group ${group}\n`); return 1; }
  let status = 0;
  for (const f of files) {
    const err = sh.io.fs.chown(path(sh, f), uid, gid);
    if (!err) continue;
    status = 1;
    st.err(gnu(sh) ? (err === "ENOENT" ? `chown: cannot access '${f}': ${errnoText[err]}\n` : `chown: changing ownership of '${f}': ${errnoText[err]}\n`) : `chown: ${f}: ${errnoText[err]}\n`);
  }
  return status;
}

/** A chmod mode applied to the current bits: octal, or [ugoa]*[+-=][rwxXst]* clauses separated by commas. */
export function applyMode(spec: string, mode: number, isDir: boolean): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return Number.parseInt(spec, 8);
  let out = mode;
  for (const clause of spec.split(",")) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return undefined;
    const who = m[1] === "" || m[1]!.includes("a") ? "ugo" : m[1]!;
    let bits = 0;
    for (const p of m[3]!) {
      for (const w of who) {
        const shift = w === "u" ? 6 : w === "g" ? 3 : 0;
        if (p === "r") bits |= 4 << shift;
        else if (p === "w") bits |= 2 << shift;
        else if (p === "x" || (p === "X" && (isDir || (mode & 0o111) !== 0))) bits |= 1 << shift;
        else if (p === "s") bits |= w === "u" ? 0o4000 : w === "g" ? 0o2000 : 0;
        else if (p === "t") bits |= 0o1000;
      }
    }
    const mask = [...who].reduce((n, w) => n | (w === "u" ? 0o4700 : w === "g" ? 0o2070 : 0o1007), 0);
    out = m[2] === "+" ? out | bits : m[2] === "-" ? out & ~bits : (out & ~mask) | bits;
  }
  return out;
}

function* cp(argv: string[], sh: ShellState, st: Streams): Gen {
  const { rest } = flags(argv.slice(1));
  if (rest.length !== 2) { st.err("cp: missing file operand\n"); return 1; }
  const [from, to] = rest as [string, string];
  const data = readPath(sh, from);
  if (typeof data !== "string") { st.err(gnu(sh) ? `cp: cannot stat '${from}': ${errnoText[data.error]}\n` : `cp: can't stat '${from}': ${errnoText[data.error]}\n`); return 1; }
  const dest = sh.io.fs.isDir(path(sh, to)) ? `${path(sh, to)}/${from.split("/").pop()}` : path(sh, to);
  const err = sh.io.fs.write(dest, data);
  if (err) { st.err(`cp: can't create '${to}': ${errnoText[err]}\n`); return 1; }
  return 0;
}

type Fs = ShellState["io"]["fs"];

/** Copies a file or a directory with its contents (from exists; to's parent exists). */
function copyTree(fs: Fs, from: string, to: string): FsError | undefined {
  const data = fs.read(from);
  if (typeof data === "string") return fs.write(to, data);
  const names = fs.list(from);
  if (!Array.isArray(names)) return names.error;
  const err = fs.mkdir(to);
  if (err) return err;
  for (const n of names) {
    const e = copyTree(fs, `${from}/${n}`, `${to}/${n}`);
    if (e) return e;
  }
  return undefined;
}

/**
 * rename(2) of from onto to, as the kernel refuses it (the errno), done by copy and remove since the
 * tree has no links: a file onto a directory is EISDIR, a directory onto a file ENOTDIR, onto a
 * non-empty directory ENOTEMPTY (an empty one is replaced), into itself EINVAL.
 */
function rename(fs: Fs, from: string, to: string): FsError | "EINVAL" | undefined {
  if (!fs.exists(from)) return "ENOENT";
  if (from === to) return undefined;
  const dir = fs.isDir(from);
  if (dir && to.startsWith(`${from}/`)) return "EINVAL";
  if (fs.isDir(to)) {
    if (!dir) return "EISDIR";
    const names = fs.list(to);
    if (Array.isArray(names) && names.length > 0) return "ENOTEMPTY";
    const err = fs.remove(to, true);
    if (err) return err;
  } else if (dir && fs.exists(to)) return "ENOTDIR";
  const err = copyTree(fs, from, to);
  if (err) { fs.remove(to, true); return err; }
  const gone = fs.remove(from, true);
  if (gone) { fs.remove(to, true); return gone; }
  return undefined;
}

/**
 * mv: sources into a directory (the last operand) under their own names, or one source renamed.
 * busybox (coreutils/mv.c) says "can't rename 'SRC'" with rename's errno; GNU "cannot stat" a
 * missing source and "cannot move 'SRC' to 'DEST'" otherwise.
 */
function* mv(argv: string[], sh: ShellState, st: Streams): Gen {
  const { rest } = flags(argv.slice(1));
  if (rest.length < 2) {
    st.err(rest.length === 0 ? "mv: missing file operand\n" : `mv: missing destination file operand after '${rest[0]}'\n`);
    return 1;
  }
  const last = rest[rest.length - 1]!;
  const intoDir = sh.io.fs.isDir(path(sh, last));
  if (rest.length > 2 && !intoDir) {
    // busybox stats LAST/NAME first (mv.c's cp_mv_stat): a file there is ENOTDIR, nothing there lets rename fail
    if (gnu(sh)) { st.err(`mv: target '${last}' is not a directory\n`); return 1; }
    if (sh.io.fs.exists(path(sh, last))) {
      for (const src of rest.slice(0, -1)) st.err(`mv: can't stat '${last}/${src.replace(/\/+$/, "").split("/").pop()}': Not a directory\n`);
      return 1;
    }
  }
  let status = 0;
  for (const src of rest.slice(0, -1)) {
    const dest = intoDir || rest.length > 2 ? `${last.replace(/\/+$/, "")}/${src.replace(/\/+$/, "").split("/").pop()}` : last;
    const err = rename(sh.io.fs, path(sh, src), path(sh, dest));
    if (!err) continue;
    status = 1;
    const text = err === "EINVAL" ? "Invalid argument" : errnoText[err];
    if (!gnu(sh)) st.err(`mv: can't rename '${src}': ${text}\n`);
    else st.err(err === "ENOENT" && !sh.io.fs.exists(path(sh, src)) ? `mv: cannot stat '${src}': ${text}\n` : `mv: cannot move '${src}' to '${dest}': ${text}\n`);
  }
  return status;
}

/** test / [ : file tests, string and integer comparisons, ! and -a/-o. */
export function evalTest(args: string[], sh: ShellState): boolean | string {
  const unary: Record<string, (a: string) => boolean> = {
    "-e": (a) => isDevice(sh, a) || sh.io.fs.exists(path(sh, a)), "-f": (a) => sh.io.fs.isFile(path(sh, a)), "-d": (a) => sh.io.fs.isDir(path(sh, a)),
    "-c": (a) => isDevice(sh, a),
    "-s": (a) => { const r = readPath(sh, a); return typeof r === "string" && r.length > 0; },
    "-r": (a) => isDevice(sh, a) || sh.io.fs.exists(path(sh, a)), "-w": (a) => isDevice(sh, a) || sh.io.fs.exists(path(sh, a)), "-x": (a) => sh.io.fs.exists(path(sh, a)),
    "-z": (a) => a === "", "-n": (a) => a !== "",
  };
  const ints: Record<string, (a: number, b: number) => boolean> = {
    "-eq": (a, b) => a === b, "-ne": (a, b) => a !== b, "-lt": (a, b) => a < b, "-le": (a, b) => a <= b, "-gt": (a, b) => a > b, "-ge": (a, b) => a >= b,
  };
  const one = (xs: string[]): boolean | string => {
    if (xs[0] === "!" && xs.length > 1) { const r = one(xs.slice(1)); return typeof r === "string" ? r : !r; }
    if (xs.length === 0) return false;
    if (xs.length === 1) return xs[0] !== "";
    if (xs.length === 2) { const f = Object.hasOwn(unary, xs[0]!) ? unary[xs[0]!] : undefined; return f ? f(xs[1]!) : `${xs[0]}: unary operator expected`; }
    if (xs.length === 3) {
      const [a, op, b] = xs as [string, string, string];
      if (op === "=" || op === "==") return a === b;
      if (op === "!=") return a !== b;
      const f = Object.hasOwn(ints, op) ? ints[op] : undefined;
      if (!f) return `${op}: binary operator expected`;
      for (const n of [a, b]) if (!/^\s*-?\d+\s*$/.test(n)) return `${n}: integer expression expected`;
      return f(Number(a), Number(b));
    }
    return "syntax error";
  };
  for (const conj of ["-o", "-a"]) {
    const i = args.lastIndexOf(conj);
    if (i > 0 && i < args.length - 1) {
      const l = evalTest(args.slice(0, i), sh);
      const r = evalTest(args.slice(i + 1), sh);
      if (typeof l === "string") return l;
      if (typeof r === "string") return r;
      return conj === "-o" ? l || r : l && r;
    }
  }
  return one(args);
}

function* test(argv: string[], sh: ShellState, st: Streams): Gen {
  let args = argv.slice(1);
  if (argv[0] === "[" || argv[0] === "[[") {
    if (args[args.length - 1] !== (argv[0] === "[" ? "]" : "]]")) { st.err(`${argv[0]}: missing ]\n`); return 2; }
    args = args.slice(0, -1);
  }
  const r = evalTest(args, sh);
  if (typeof r === "string") { st.err(`${gnu(sh) ? "sh: " : ""}${argv[0]}: ${r}\n`); return 2; }
  return r ? 0 : 1;
}

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Calendar fields of a UTC instant (Howard Hinnant's days-to-civil), without touching Date. */
export function utcParts(ms: number): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  const days = Math.floor(ms / 86_400_000);
  const secs = Math.floor((ms - days * 86_400_000) / 1000);
  const [year, month, day] = civilFromDays(days);
  return { year, month, day, hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, weekday: (((days + 4) % 7) + 7) % 7 };
}

// A container's log stamps a handful of lines with the same second (nginx's start: seven): every
// conversion but %N reads the time to the second, so a format without it is formatted once per
// second. Bounded: a table of recent seconds, cleared when full.
const formattedTimes = new Map<string, string>();
const maxFormattedTimes = 4096;

/** Formats a UTC time with strftime's common conversions. */
export function strftime(format: string, ms: number): string {
  if (format.includes("%N") || !(ms >= 0)) return formatTime(format, ms);
  const key = `${Math.floor(ms / 1000)}\u0000${format}`;
  let text = formattedTimes.get(key);
  if (text === undefined) {
    if (formattedTimes.size >= maxFormattedTimes) formattedTimes.clear();
    formattedTimes.set(key, (text = formatTime(format, ms)));
  }
  return text;
}

function formatTime(format: string, ms: number): string {
  const d = utcParts(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const conv: Record<string, () => string> = {
    Y: () => String(d.year), m: () => p(d.month), d: () => p(d.day), e: () => String(d.day).padStart(2, " "),
    H: () => p(d.hour), M: () => p(d.minute), S: () => p(d.second), s: () => String(Math.floor(ms / 1000)),
    N: () => p((ms % 1000) * 1_000_000, 9), a: () => days[d.weekday]!, b: () => months[d.month - 1]!, Z: () => "UTC", z: () => "+0000",
    T: () => `${conv.H!()}:${conv.M!()}:${conv.S!()}`, F: () => `${conv.Y!()}-${conv.m!()}-${conv.d!()}`, "%": () => "%", n: () => "\n",
  };
  return format.replace(/%(.)/g, (m, c: string) => (Object.hasOwn(conv, c) ? conv[c]!() : m));
}

function* date(argv: string[], sh: ShellState, st: Streams): Gen {
  const fmt = argv.slice(1).find((a) => a.startsWith("+"));
  if (argv.slice(1).some((a) => a === "-I" || a.startsWith("-Iseconds") || a === "--iso-8601=seconds")) { st.out(strftime("%Y-%m-%dT%H:%M:%S+00:00", sh.io.now()) + "\n"); return 0; }
  st.out(strftime(fmt ? fmt.slice(1) : "%a %b %e %H:%M:%S %Z %Y", sh.io.now()) + "\n");
  return 0;
}

/** The environment a child process would inherit: exported variables. */
function environment(sh: ShellState): Array<[string, string]> {
  return [...sh.exported].filter((k) => sh.vars.has(k)).map((k) => [k, sh.vars.get(k)!] as [string, string]);
}

function* printenv(argv: string[], sh: ShellState, st: Streams): Gen {
  const env = new Map(environment(sh));
  const names = argv.slice(1);
  if (names.length === 0 || argv[0] === "env") { st.out(environment(sh).map(([k, v]) => `${k}=${v}\n`).join("")); return 0; }
  let status = 0;
  for (const n of names) { const v = env.get(n); if (v === undefined) status = 1; else st.out(v + "\n"); }
  return status;
}

/**
 * hostname; -f the canonical name /etc/hosts gives the host name (the first name on its line: the
 * kubelet writes "IP <hostname>.<subdomain>.<ns>.svc.<domain> <hostname>" for a pod with a
 * subdomain), -d its domain, -s the name up to the first dot.
 */
function* hostname(argv: string[], sh: ShellState, st: Streams): Gen {
  const name = sh.vars.get("HOSTNAME") ?? "localhost";
  const { set } = flags(argv.slice(1));
  if (set.has("i")) {
    // -i: the name's addresses as the resolver finds them (the kubelet's /etc/hosts), each followed by a space
    const hostsFile = sh.io.fs.read("/etc/hosts");
    const addrs = typeof hostsFile !== "string" ? [] : hostsFile.split("\n").map((l) => l.replace(/#.*/, "").trim().split(/\s+/)).filter((f) => f.length > 1 && f.slice(1).includes(name)).map((f) => f[0]!);
    if (addrs.length === 0) { st.err(gnu(sh) ? "hostname: Name or service not known\n" : `hostname: ${name}: Unknown host\n`); return 1; }
    st.out(addrs.map((a) => `${a} `).join("") + "\n");
    return 0;
  }
  if (!set.has("f") && !set.has("d") && !set.has("s")) { st.out(name + "\n"); return 0; }
  if (set.has("s")) { st.out(name.split(".")[0] + "\n"); return 0; }
  const hosts = sh.io.fs.read("/etc/hosts");
  let fqdn = name;
  if (typeof hosts === "string") {
    for (const line of hosts.split("\n")) {
      const fields = line.replace(/#.*/, "").trim().split(/\s+/);
      if (fields.length > 1 && fields.slice(1).includes(name)) { fqdn = fields[1]!; break; }
    }
  }
  st.out((set.has("d") ? fqdn.slice(fqdn.indexOf(".") + 1 || fqdn.length) : fqdn) + "\n");
  return 0;
}

/**
 * head's and tail's line count as both busybox and GNU take it: `-n K`, and the obsolete `-K` as
 * the first argument (`head -1`, `tail -2`).
 */
function countArgs(argv: string[]): string[] {
  const first = argv[1];
  return first !== undefined && /^-\d+$/.test(first) ? ["-n", first.slice(1), ...argv.slice(2)] : argv.slice(1);
}

function* tail(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, values, rest } = flags(countArgs(argv), "nc");
  const follow = set.has("f") || set.has("F");
  // `-n +K` prints from line K on, `-n K` (or `-n -K`) the last K lines
  const count = values.get("n") ?? "10";
  const fromLine = count.startsWith("+") ? Number(count.slice(1)) : undefined;
  const n = Number(count.replace(/^[+-]/, ""));
  const lastLines = (text: string, k: number) => (fromLine === undefined ? linesAtEnd(text, k) : linesFrom(text, fromLine));
  // How much of each file has been written out: what a follow prints next starts there.
  const seen = new Map<string, number>();
  for (const f of rest) {
    const r = readPath(sh, f);
    if (typeof r !== "string") {
      if (set.has("F")) continue; // -F keeps retrying a missing file
      st.err(gnu(sh) ? `tail: cannot open '${f}' for reading: ${errnoText[r.error]}\n` : `tail: can't open '${f}': ${errnoText[r.error]}\n`);
      if (!follow) return 1;
      continue;
    }
    st.out(lastLines(r, n));
    seen.set(f, r.length);
  }
  if (rest.length === 0) st.out(lastLines(st.stdin, n));
  if (!follow) return 0;
  if (rest.length === 0) {
    yield* perform(sh, { type: "wait" });
    return 0;
  }
  // Following: the files are read again every second (busybox's poll) and what grew is written.
  for (;;) {
    yield* perform(sh, { type: "sleep", ms: followPollMs });
    for (const f of rest) followFile(sh, st, f, seen, set.has("F"));
  }
}

/** tail -f's poll: a file's new bytes are written; a truncated one starts over; with -F a file that appears is followed. */
function followFile(sh: ShellState, st: Streams, f: string, seen: Map<string, number>, retry: boolean): void {
  const r = readPath(sh, f);
  const was = seen.get(f);
  if (typeof r !== "string") {
    if (retry) seen.delete(f);
    return;
  }
  if (was === undefined && !retry) return;
  const from = was === undefined || r.length < was ? 0 : was;
  if (r.length > from) st.out(r.slice(from));
  seen.set(f, r.length);
}

/** How often a following tail reads its files again. */
const followPollMs = 1_000;

function linesAtEnd(text: string, n: number): string {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.length && n > 0 ? lines.slice(-n).join("\n") + "\n" : "";
}

/** tail -n +K: from the K-th line (the first for K 0 or 1) to the end, the text's last newline kept as it is. */
function linesFrom(text: string, k: number): string {
  let at = 0;
  for (let line = 1; line < k && at < text.length; line++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return "";
    at = nl + 1;
  }
  return text.slice(at);
}

function* head(argv: string[], sh: ShellState, st: Streams): Gen {
  const { values, rest } = flags(countArgs(argv), "nc");
  const bytes = values.get("c");
  if (bytes !== undefined) {
    // head -c N (coreutils/head.c): the first N bytes; a device gives as many as asked
    const c = sizeArg(bytes);
    if (c === undefined) { st.err(`head: invalid number '${bytes}'\n`); return 1; }
    const from = rest[0];
    const data = from !== undefined && isDevice(sh, from) ? deviceBytes(path(sh, from), c, sh.io.now()) : from !== undefined ? readPath(sh, from) : st.stdin;
    if (typeof data !== "string") { st.err(`head: ${from}: ${errnoText[data.error]}\n`); return 1; }
    st.out(data.slice(0, c));
    return 0;
  }
  const n = Number(values.get("n") ?? "10");
  const text = rest.length ? readPath(sh, rest[0]!) : st.stdin;
  if (typeof text !== "string") { st.err(`head: ${rest[0]}: ${errnoText[text.error]}\n`); return 1; }
  if (n < 0) {
    // GNU's head -n -K: all but the last K lines
    const all = text.split("\n");
    if (all[all.length - 1] === "") all.pop();
    const kept = all.slice(0, Math.max(0, all.length + n));
    st.out(kept.length ? kept.join("\n") + "\n" : "");
    return 0;
  }
  const lines = text.split("\n").slice(0, n);
  st.out(lines.join("\n") + (lines.length && text.includes("\n") ? "\n" : ""));
  return 0;
}

function* wc(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  const text = rest.length ? readPath(sh, rest[0]!) : st.stdin;
  if (typeof text !== "string") { st.err(`wc: ${rest[0]}: ${errnoText[text.error]}\n`); return 1; }
  const counts = { l: (text.match(/\n/g) ?? []).length, w: text.split(/\s+/).filter(Boolean).length, c: text.length };
  const chosen = (["l", "w", "c"] as const).filter((k) => set.has(k));
  const shown = (chosen.length ? chosen : (["l", "w", "c"] as const)).map((k) => String(counts[k]));
  st.out(shown.join(" ") + (rest[0] ? ` ${rest[0]}` : "") + "\n");
  return 0;
}

function* grep(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  const [pattern = "", ...files] = rest;
  const text = files.length ? readPath(sh, files[0]!) : st.stdin;
  if (typeof text !== "string") { st.err(`grep: ${files[0]}: ${errnoText[text.error]}\n`); return 2; }
  let re: RegExp;
  try { re = new RegExp(set.has("F") ? pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : pattern, set.has("i") ? "i" : ""); } catch { return 2; }
  const lines = text.split("\n").filter((l, i, all) => !(i === all.length - 1 && l === ""));
  const hits = lines.filter((l) => re.test(l) !== set.has("v"));
  if (set.has("c")) st.out(`${hits.length}\n`);
  else if (!set.has("q")) st.out(hits.map((l) => l + "\n").join(""));
  return hits.length ? 0 : 1;
}

/**
 * sort [-r] [-n] [-u] [FILE...]: the lines of the files (or stdin) in byte order (the C locale a
 * container has with no LANG); -n by their leading number, ties by the whole line (the last-resort
 * comparison of GNU and busybox alike); -u keeps the first of equal lines.
 */
/**
 * uniq [-cdu] [INPUT]: runs of equal adjacent lines once each; -c prefixes the run's count ("%7lu "),
 * -d prints only repeated runs, -u only single lines (coreutils/uniq.c).
 */
function* uniq(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  const file = rest[0];
  const r = file === undefined || file === "-" ? st.stdin : readPath(sh, file);
  if (typeof r !== "string") {
    st.err(gnu(sh) ? `uniq: ${file}: ${errnoText[r.error]}\n` : `uniq: can't open '${file}': ${errnoText[r.error]}\n`);
    return 1;
  }
  const lines = (r.endsWith("\n") ? r.slice(0, -1) : r).split("\n");
  if (r === "") return 0;
  let out = "";
  for (let i = 0; i < lines.length;) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    const n = j - i;
    if (!(set.has("d") && n === 1) && !(set.has("u") && n > 1)) out += `${set.has("c") ? `${String(n).padStart(7)} ` : ""}${lines[i]}\n`;
    i = j;
  }
  st.out(out);
  return 0;
}

class ExprError {
  constructor(readonly message: string) {}
}

/**
 * expr's grammar (coreutils/expr.c, lowest first): | & then = > >= < <= != then + - then * / %
 * then : (a regex anchored at the start: the match's length, or its \(...\) group), over
 * parenthesised terms and the length, substr, index and match keywords.
 */
function evalExpr(tokens: readonly string[]): string {
  let i = 0;
  const isInt = (v: string) => /^-?\d+$/.test(v);
  const num = (v: string) => { if (!isInt(v)) throw new ExprError("non-numeric argument"); return BigInt(v); };
  const truthy = (v: string) => v !== "" && !(isInt(v) && BigInt(v) === 0n);
  const match = (str: string, re: string): string => {
    let rx: RegExp;
    try { rx = new RegExp("^(?:" + re.replace(/\\\(/g, "(").replace(/\\\)/g, ")") + ")"); } catch { throw new ExprError("syntax error"); }
    const m = rx.exec(str);
    if (/\\\(/.test(re)) return m?.[1] ?? "";
    return String(m ? m[0].length : 0);
  };
  const primary = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new ExprError("syntax error");
    if (t === "(") { const v = or(); if (tokens[i++] !== ")") throw new ExprError("syntax error"); return v; }
    if (t === "length" && i < tokens.length) return String([...primary()].length);
    if (t === "match" && i + 1 < tokens.length) { const a = primary(); return match(a, primary()); }
    if (t === "substr" && i + 2 < tokens.length) { const a = primary(); const p = Number(num(primary())); const n = Number(num(primary())); return p < 1 || n < 1 ? "" : a.slice(p - 1, p - 1 + n); }
    if (t === "index" && i + 1 < tokens.length) { const a = primary(); const chars = primary(); const at = [...a].findIndex((c) => chars.includes(c)); return String(at + 1); }
    return t;
  };
  const colon = (): string => { let v = primary(); while (tokens[i] === ":") { i++; v = match(v, primary()); } return v; };
  const mul = (): string => {
    let v = colon();
    while (tokens[i] === "*" || tokens[i] === "/" || tokens[i] === "%") {
      const op = tokens[i++]!; const a = num(v); const b = num(colon());
      if (op !== "*" && b === 0n) throw new ExprError("division by zero");
      v = String(op === "*" ? a * b : op === "/" ? a / b : a % b);
    }
    return v;
  };
  const add = (): string => { let v = mul(); while (tokens[i] === "+" || tokens[i] === "-") { const op = tokens[i++]!; const a = num(v); const b = num(mul()); v = String(op === "+" ? a + b : a - b); } return v; };
  const cmp = (): string => {
    let v = add();
    while (["=", "==", "!=", "<", "<=", ">", ">="].includes(tokens[i] ?? "")) {
      const op = tokens[i++]!; const w = add();
      const c = isInt(v) && isInt(w) ? (BigInt(v) < BigInt(w) ? -1 : BigInt(v) > BigInt(w) ? 1 : 0) : v < w ? -1 : v > w ? 1 : 0;
      v = ({ "=": c === 0, "==": c === 0, "!=": c !== 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0 } as Record<string, boolean>)[op] ? "1" : "0";
    }
    return v;
  };
  const and = (): string => { let v = cmp(); while (tokens[i] === "&") { i++; const w = cmp(); v = truthy(v) && truthy(w) ? v : "0"; } return v; };
  const or = (): string => { let v = and(); while (tokens[i] === "|") { i++; const w = and(); v = truthy(v) ? v : truthy(w) ? w : "0"; } return v; };
  const v = or();
  if (i !== tokens.length) throw new ExprError("syntax error");
  return v;
}

/** expr EXPRESSION: prints the value; exits 1 when it is null or 0, 2 on a bad expression. */
function* expr(argv: string[], sh: ShellState, st: Streams): Gen {
  if (argv.length < 2) { st.err(gnu(sh) ? "expr: missing operand\nTry 'expr --help' for more information.\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: expr EXPRESSION\n"); return gnu(sh) ? 2 : 1; }
  try {
    const v = evalExpr(argv.slice(1));
    st.out(v + "\n");
    return v === "" || (/^-?\d+$/.test(v) && BigInt(v) === 0n) ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    st.err(`expr: ${e.message}\n`);
    return 2;
  }
}

function* sort(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  let text = "";
  for (const f of rest.length ? rest : ["-"]) {
    const r = f === "-" ? st.stdin : readPath(sh, f);
    if (typeof r !== "string") {
      st.err(gnu(sh) ? `sort: cannot read: ${f}: ${errnoText[r.error]}\n` : `sort: can't open '${f}': ${errnoText[r.error]}\n`);
      return 2;
    }
    text += r.length === 0 || r.endsWith("\n") ? r : `${r}\n`;
  }
  const lines = text.split("\n").slice(0, -1);
  const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const num = (l: string) => Number.parseFloat(/^\s*-?\d*\.?\d+/.exec(l)?.[0] ?? "0");
  const key = set.has("n") ? (a: string, b: string) => num(a) - num(b) : () => 0;
  const sorted = lines.sort((a, b) => key(a, b) || bytes(a, b));
  if (set.has("r")) sorted.reverse();
  const out = set.has("u") ? sorted.filter((l, i) => i === 0 || (set.has("n") ? num(l) !== num(sorted[i - 1]!) : l !== sorted[i - 1])) : sorted;
  st.out(out.map((l) => `${l}\n`).join(""));
  return 0;
}

function* seq(argv: string[], _sh: ShellState, st: Streams): Gen {
  const nums = argv.slice(1).map(Number);
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  let out = "";
  for (let i = first, k = 0; step > 0 ? i <= last : i >= last; i += step, k++) {
    if (k >= 100_000 || step === 0) break; // seq is bounded like everything else here
    out += `${i}\n`;
  }
  st.out(out);
  return 0;
}

function* basename(argv: string[], _sh: ShellState, st: Streams): Gen {
  const p = (argv[1] ?? "").replace(/\/+$/, "");
  st.out((argv[0] === "dirname" ? (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) || "/" : ".") : p.slice(p.lastIndexOf("/") + 1)) + "\n");
  return 0;
}

// ---------------------------------------------------------------------------------
// Network utilities: answered by the CRI through the dns and http effects.

/** Splits a URL (scheme optional) into host, port and path. */
export function parseUrl(url: string): { scheme: string; host: string; port: number; path: string; hostPort: string } {
  // the host is a name, a dotted address or a bracketed IPv6 one, kept with its brackets as the URL writes it
  const m = /^(?:([a-z]+):\/\/)?(\[[0-9A-Fa-f:.]+\]|[^/:?#]+)(?::(\d+))?([^#]*)/.exec(url);
  const scheme = m?.[1] ?? "http";
  const host = m?.[2] ?? "";
  // hostPort: the host with the port only when the URL writes one (busybox wget's server.host)
  return { scheme, host, port: m?.[3] ? Number(m[3]) : scheme === "https" ? 443 : 80, path: m?.[4] || "/", hostPort: m?.[3] ? `${host}:${m[3]}` : host };
}

const reasonPhrases: Record<number, string> = { 200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };

function* httpGet(sh: ShellState, url: string, headers?: readonly (readonly [string, string])[], timeoutMs?: number, tls?: TlsOptions): Generator<Effect, HttpResult, EffectResult> {
  const r = yield* perform(sh, { type: "http", url, ...(headers ? { headers } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(tls ? { tls } : {}) });
  return r?.type === "http" ? r : { type: "http", error: "connection refused" };
}

// The headers each client sends after Host: busybox's wget names itself and closes the connection;
// GNU Wget and curl (Debian trixie's 8.14.1) accept anything.
const busyboxWgetHeaders = [["user-agent", "Wget"], ["connection", "close"]] as const;
const gnuWgetHeaders = [["user-agent", "Wget/1.25.0"], ["accept", "*/*"], ["accept-encoding", "identity"], ["connection", "Keep-Alive"]] as const;
const curlHeaders = [["user-agent", "curl/8.14.1"], ["accept", "*/*"]] as const;

function* wget(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, values, rest } = flags(argv.slice(1).filter((a) => a !== "--spider" && !a.startsWith("--timeout")), "OTUY");
  const spider = argv.includes("--spider");
  const url = rest[0];
  if (!url) { st.err("wget: missing URL\n"); return 1; }
  const u = parseUrl(url);
  const quiet = set.has("q");
  // -T SEC / --timeout=SEC: how long it waits for the server (a dropped connection times out then)
  const seconds = argv.find((a) => a.startsWith("--timeout="))?.slice("--timeout=".length) ?? values.get("T");
  const timeoutMs = seconds !== undefined && /^\d+$/.test(seconds) ? Number(seconds) * 1000 : undefined;
  const r = yield* httpGet(sh, url, gnu(sh) ? gnuWgetHeaders : busyboxWgetHeaders, timeoutMs);
  // busybox resolves the host first (xhost2sockaddr dies on a bad address), then names the server and
  // the address it dials (xmalloc_sockaddr2dotted: ip:port)
  if (!quiet && !("error" in r && r.error === "bad address")) st.err(`Connecting to ${u.hostPort} (${r.peer ?? `${u.host}:${u.port}`})\n`);
  if ("error" in r && r.error === "tls") {
    st.err(`wget: TLS error from peer: ${r.tlsError}\n`);
    return 1;
  }
  if ("error" in r) {
    st.err(r.error === "bad address" ? `wget: bad address '${u.host}${u.port === 80 ? "" : `:${u.port}`}'\n` : r.error === "timeout" ? "wget: download timed out\n" : `wget: can't connect to remote host (${r.address ?? u.host}): Connection refused\n`);
    return 1;
  }
  if (r.status >= 400) { st.err(`wget: server returned error: HTTP/1.1 ${r.status} ${reasonPhrases[r.status] ?? ""}`.trimEnd() + "\n"); return 1; }
  if (spider) { if (!quiet) st.err("remote file exists\n"); return 0; }
  const target = values.get("O") ?? (u.path.split("/").pop() || "index.html");
  if (target === "-") { if (!quiet) st.err("writing to stdout\n"); st.out(r.body ?? ""); return 0; }
  if (!quiet) st.err(`saving to '${target}'\n`);
  const err = sh.io.fs.write(path(sh, target), r.body ?? "");
  if (err) { st.err(`wget: can't open '${target}': ${errnoText[err]}\n`); return 1; }
  if (!quiet) st.err(`'${target}' saved\n`);
  return 0;
}

// curl's long options that take the next argument, as the short option they spell out (or "" for
// one this curl takes and has no use for: TLS files, timeouts); --url names the URL itself
const curlLongWithValue = new Map<string, string>([
  ["--header", "H"], ["--request", "X"], ["--data", "d"], ["--data-raw", "d"], ["--data-binary", "d"], ["--data-urlencode", "d"],
  ["--output", "o"], ["--max-time", "m"], ["--user-agent", "A"], ["--write-out", "w"], ["--user", "u"], ["--cookie", "b"],
  ["--referer", "e"], ["--proxy", "x"], ["--cert", "E"], ["--range", "r"], ["--url", "url"], ["--capath", ""],
  ["--key", ""], ["--connect-timeout", ""], ["--resolve", ""], ["--retry", ""], ["--form", "F"], ["--cacert", "cacert"],
]);
const curlShortWithValue = "omXHwdAubexErF";

/** curl's command line: options anywhere (curl parses every argument, not up to the first operand), the rest URLs. */
function curlArgs(args: string[]): { set: Set<string>; values: Map<string, string>; urls: string[]; headers: string[] } {
  const set = new Set<string>();
  const values = new Map<string, string>();
  const urls: string[] = [];
  // -H repeats: every one is sent
  const headers: string[] = [];
  const put = (k: string, v: string) => {
    values.set(k, v);
    if (k === "H") headers.push(v);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const long = curlLongWithValue.get(a);
    if (long !== undefined) {
      const v = args[++i] ?? "";
      if (long === "url") urls.push(v);
      else if (long !== "") put(long, v);
    } else if (a.startsWith("--")) set.add(a);
    else if (/^-[A-Za-z0-9]/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (curlShortWithValue.includes(f)) { put(f, a.slice(j + 1) || (args[++i] ?? "")); break; }
        set.add(f);
      }
    } else urls.push(a);
  }
  return { set, values, urls, headers };
}

export function* curl(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, values, urls, headers: given } = curlArgs(argv.slice(1));
  const silent = set.has("s") || set.has("--silent");
  const showError = set.has("S") || set.has("--show-error") || !silent;
  const fail = set.has("f") || set.has("--fail");
  const url = urls[0];
  if (!url) { st.err("curl: try 'curl --help' or 'curl --manual' for more information\n"); return 2; }
  const u = parseUrl(url);
  // -H adds a header after curl's own ("Name: value", the name lower-cased as the server reads it)
  const headers = [...curlHeaders, ...given.flatMap((h) => {
    const i = h.indexOf(":");
    return i > 0 ? [[h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim()] as const] : [];
  })];
  // https: the server's certificate is verified against --cacert's file (else the system bundle) unless -k
  let tls: TlsOptions | undefined;
  if (u.scheme === "https") {
    const caPath = values.get("cacert");
    const ca = caPath !== undefined ? sh.io.fs.read(path(sh, caPath)) : undefined;
    if (typeof ca === "object") {
      if (showError) st.err(`curl: (77) error setting certificate file: ${caPath}\n`);
      return 77;
    }
    tls = { ...(ca !== undefined ? { ca } : {}), ...(set.has("k") || set.has("--insecure") ? { insecure: true } : {}) };
  }
  const r = yield* httpGet(sh, url, headers, undefined, tls);
  if ("error" in r && r.error === "tls") {
    if (showError) st.err(`curl: (60) SSL certificate problem: ${r.tlsError}\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the webpage mentioned above.\n`);
    return 60;
  }
  if ("error" in r) {
    const [code, msg] = r.error === "bad address" ? [6, `Could not resolve host: ${u.host}`] : r.error === "timeout" ? [28, `Failed to connect to ${u.host} port ${u.port} after 0 ms: Timeout was reached`] : [7, `Failed to connect to ${u.host} port ${u.port} after 0 ms: Couldn't connect to server`];
    if (showError) st.err(`curl: (${code}) ${msg}\n`);
    return code;
  }
  if (fail && r.status >= 400) { if (showError) st.err(`curl: (22) The requested URL returned error: ${r.status}\n`); return 22; }
  const out = values.get("o");
  if (out && out !== "-") sh.io.fs.write(path(sh, out), r.body ?? "");
  else st.out(r.body ?? "");
  return 0;
}

/** The server's "Address:" line: BIND's `ip#53`; busybox's xmalloc_sockaddr2dotted, `[ip]:53` for an IPv6 one. */
function nameserverAddress(server: string, bind: boolean): string {
  return bind ? `${server}#53` : joinHostPort(server, 53);
}

/** nslookup: busybox's applet, and BIND's (dnsutils) in a GNU userland, which words its address `#53`. */
export function* nslookup(argv: string[], sh: ShellState, st: Streams): Gen {
  const name = argv.slice(1).find((a) => !a.startsWith("-"));
  if (!name) { st.err("Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n"); return 1; }
  const qtype = argv.slice(1).map((a) => /^-(?:type|query|q)=(.*)$/i.exec(a)?.[1]?.toUpperCase()).find((t) => t !== undefined);
  if (qtype === "SRV") return yield* nslookupSrv(name, sh, st);
  const reverse = reverseName(name);
  if (reverse !== undefined) return yield* nslookupPtr(reverse, sh, st);
  const r = (yield* perform(sh, { type: "dns", name })) as DnsResult | undefined;
  const server = r?.server ?? "10.96.0.10";
  if (r?.timedOut) return timedOut(st);
  st.out(`Server:\t\t${server}\nAddress:\t${nameserverAddress(server, gnu(sh))}\n\n`);
  const cnames = r?.cnames ?? [];
  const v6 = r?.addresses6 ?? [];
  if (!r || (r.addresses.length === 0 && v6.length === 0 && cnames.length === 0)) {
    st.out(`** server can't find ${r?.fqdn ?? name}: NXDOMAIN\n\n`);
    return 1;
  }
  // each CNAME of the answer as its record prints (BIND writes the canonical name fully qualified, with its dot)
  const canonical = cnames.map(([from, to]) => `${from}\tcanonical name = ${to}${gnu(sh) ? "." : ""}\n`).join("");
  const records = (ips: readonly string[]) => ips.map((a) => `Name:\t${r.fqdn ?? name}\nAddress: ${a}\n`).join("");
  // jessie-dnsutils' BIND 9.9 asks for A alone (nslookup asks AAAA too only from BIND 9.12); busybox
  // asks for AAAA too, printed as its own reply: the CNAMEs again and the IPv6 addresses (none for a
  // single-stack IPv4 name)
  if (gnu(sh)) st.out(canonical + records(r.addresses) + "\n");
  else {
    if (r.addresses.length > 0 || canonical !== "") st.out(canonical + records(r.addresses) + "\n");
    if (canonical !== "" || v6.length > 0) st.out(canonical + records(v6) + "\n");
  }
  return 0;
}

/**
 * The name a PTR question asks for an address (busybox's make_ptr, BIND's get_reverse): an IPv4
 * address's octets backwards under in-addr.arpa, an IPv6 one's 32 nibbles backwards under ip6.arpa;
 * undefined for a name that is not an address.
 */
export function reverseName(text: string): string | undefined {
  const ip = /^[\d.]+$/.test(text) || text.includes(":") ? parseIPSloppy(text) : undefined;
  if (ip === undefined || (ip.bytes.length === 4 && !/^\d{1,3}(\.\d{1,3}){3}$/.test(text))) return undefined;
  if (ip.bytes.length === 4) return `${[...ip.bytes].reverse().join(".")}.in-addr.arpa`;
  const nibbles = ip.bytes.flatMap((b) => [(b >> 4).toString(16), (b & 0xf).toString(16)]);
  return `${nibbles.reverse().join(".")}.ip6.arpa`;
}

/**
 * nslookup of an address: the PTR question for its reverse name, each answer as
 * `<reverse name>\tname = <name>` (busybox's parse_reply; BIND's nslookup writes the name absolute,
 * with its dot), "** server can't find <reverse name>: NXDOMAIN" when the server knows none.
 */
function* nslookupPtr(reverse: string, sh: ShellState, st: Streams): Gen {
  const r = (yield* perform(sh, { type: "dns", name: `${reverse}.`, qtype: "PTR" })) as DnsResult | undefined;
  const server = r?.server ?? "10.96.0.10";
  if (r?.timedOut) return timedOut(st);
  st.out(`Server:\t\t${server}\nAddress:\t${nameserverAddress(server, gnu(sh))}\n\n`);
  if (!r?.ptr || r.ptr.length === 0) {
    st.out(`** server can't find ${reverse}: NXDOMAIN\n\n`);
    return 1;
  }
  const dot = gnu(sh) ? "." : "";
  st.out(r.ptr.map((n) => `${reverse}\tname = ${n}${dot}\n`).join("") + "\n");
  return 0;
}

/**
 * nslookup -type=srv: each SRV record as `<name>\tservice = <priority> <weight> <port> <target>`
 * (busybox's parse_reply; BIND writes the target absolute, with its dot), "** server can't find"
 * for NXDOMAIN, "*** Can't find <name>: No answer" for a name with no SRV record. busybox asks a
 * name with a dot as it is (add_query_with_search searches only a name without one); BIND's
 * resolver goes through the search list.
 */
function* nslookupSrv(name: string, sh: ShellState, st: Streams): Gen {
  const asked = !gnu(sh) && name.includes(".") && !name.endsWith(".") ? `${name}.` : name;
  const r = (yield* perform(sh, { type: "dns", name: asked, qtype: "SRV" })) as DnsResult | undefined;
  const server = r?.server ?? "10.96.0.10";
  if (r?.timedOut) return timedOut(st);
  st.out(`Server:\t\t${server}\nAddress:\t${nameserverAddress(server, gnu(sh))}\n\n`);
  const shown = name.replace(/\.$/, "");
  if (r?.noData) {
    st.out(`*** Can't find ${shown}: No answer\n\n`);
    return 0;
  }
  if (!r?.srv || r.srv.length === 0) {
    st.out(`** server can't find ${shown}: NXDOMAIN\n\n`);
    return 1;
  }
  const dot = gnu(sh) ? "." : "";
  st.out(r.srv.map((x) => `${x.name}\tservice = ${x.priority} ${x.weight} ${x.port} ${x.target}${dot}\n`).join("") + "\n");
  return 0;
}

/**
 * No reply from the server: busybox's nslookup prints the Server lines only on a first reply, then
 * ";; connection timed out; no servers could be reached" and an empty line, bind-utils 9.11's
 * words and layout (networking/nslookup.c says so), which jessie-dnsutils' BIND 9.9 prints too.
 */
function timedOut(st: Streams): number {
  st.out(";; connection timed out; no servers could be reached\n\n");
  return 1;
}

/** busybox up to 1.28 (the image Kubernetes' DNS docs use) prints nslookup the old way. */
function* legacyNslookup(argv: string[], sh: ShellState, st: Streams): Gen {
  const name = argv.slice(1).find((a) => !a.startsWith("-"));
  if (!name) { st.err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n"); return 1; }
  const r = (yield* perform(sh, { type: "dns", name })) as DnsResult | undefined;
  const server = r?.server ?? "10.96.0.10";
  // the server's own name is a reverse lookup too: unanswered, the address stands alone (dns-debugging-resolution's failing output)
  st.out(`Server:    ${server}\nAddress 1: ${server}${r?.timedOut ? "" : " kube-dns.kube-system.svc.cluster.local"}\n\n`);
  const all = r === undefined ? [] : [...r.addresses, ...(r.addresses6 ?? [])];
  if (!r || all.length === 0) {
    st.err(`nslookup: can't resolve '${name}'\n`);
    return 1;
  }
  st.out(`Name:      ${name}\n` + all.map((a, i) => `Address ${i + 1}: ${a} ${r.fqdn ?? name}\n`).join(""));
  return 0;
}

// uname's fields in busybox's option order "snrvmpio" (coreutils/uname.c), and their long names
const unameFields = ["s", "n", "r", "v", "m", "p", "i", "o"] as const;
const unameLong = new Map([["all", "a"], ["kernel-name", "s"], ["nodename", "n"], ["kernel-release", "r"], ["release", "r"], ["kernel-version", "v"], ["machine", "m"], ["processor", "p"], ["hardware-platform", "i"], ["operating-system", "o"]]);

/**
 * uname: the node's kernel (a container shares it) with the container's own UTS nodename, the
 * pod's hostname. No option is -s; -a prints every field but the unknown processor and platform.
 */
function* uname(argv: string[], sh: ShellState, st: Streams): Gen {
  const asked = new Set<string>();
  for (const a of argv.slice(1)) {
    const long = a.startsWith("--") ? unameLong.get(a.slice(2)) : undefined;
    if (long) { asked.add(long); continue; }
    if (!/^-[snrvmpioa]+$/.test(a)) { st.err(gnu(sh) ? `uname: extra operand '${a}'\nTry 'uname --help' for more information.\n` : "BusyBox v1.37.0 multi-call binary.\n\nUsage: uname [-amnrspvio]\n"); return 1; }
    for (const f of a.slice(1)) asked.add(f);
  }
  const all = asked.has("a");
  if (asked.size === 0) asked.add("s");
  // the kernel's build string is not modelled (the node status does not carry it)
  const value: Record<(typeof unameFields)[number], string> = {
    s: "Linux", n: sh.vars.get("HOSTNAME") ?? "localhost", r: nodeKernelRelease, v: "#1 SMP", m: "x86_64",
    p: all ? "" : "unknown", i: all ? "" : "unknown", o: "GNU/Linux",
  };
  st.out(unameFields.filter((f) => all || asked.has(f)).map((f) => value[f]).filter((v) => v !== "").join(" ") + "\n");
  return 0;
}

/** The process's credentials: the container's (the OCI spec's process.user), root when none was given. */
function credentials(sh: ShellState): ProcessUser {
  return sh.io.user ?? { uid: 0, gid: 0, groups: [0] };
}

/**
 * The names /etc/passwd and /etc/group give ids, as getpwuid and getgrgid find them in the
 * container. An image whose base podflow does not model has no such files here, though the real
 * one names root in them: 0 is root then.
 */
export function names(sh: ShellState): { user: (uid: number) => string | undefined; group: (gid: number) => string | undefined } {
  const text = (path: string) => { const r = sh.io.fs.read(path); return typeof r === "string" ? r : undefined; };
  const passwd = text("/etc/passwd");
  const group = text("/etc/group");
  const users = parsePasswd(passwd ?? "root:x:0:0:root:/root:/bin/sh\n");
  const groups = parseGroup(group ?? "root:x:0:\n");
  return { user: (uid) => users.find((u) => u.uid === uid)?.name, group: (gid) => groups.find((g) => g.gid === gid)?.name };
}

/**
 * id [-ugGn]: the uid, gid and groups with their names where the image's files have them. The
 * groups are getgroups(2)'s, which the kernel keeps sorted; busybox prints them so, coreutils
 * puts the effective gid first.
 */
function* id(argv: string[], sh: ShellState, st: Streams): Gen {
  const cred = credentials(sh);
  const n = names(sh);
  const opts = new Set(argv.slice(1).filter((a) => a.startsWith("-")).flatMap((a) => [...a.slice(1)]));
  const bad = [...opts].find((o) => !"ugGnr".includes(o));
  if (bad !== undefined || argv.slice(1).some((a) => !a.startsWith("-"))) {
    st.err(sh.userland === "busybox" ? "BusyBox v1.37.0 multi-call binary.\n\nUsage: id [-ugGnr] [USER]\n" : `id: invalid option -- '${bad ?? ""}'\nTry 'id --help' for more information.\n`);
    return 1;
  }
  const groups = sh.userland === "gnu" ? [cred.gid, ...cred.groups.filter((g) => g !== cred.gid)] : [...cred.groups];
  const shown = (value: number, name: string | undefined) => (opts.has("n") ? name ?? String(value) : String(value));
  if (opts.has("u")) st.out(`${shown(cred.uid, n.user(cred.uid))}\n`);
  else if (opts.has("g")) st.out(`${shown(cred.gid, n.group(cred.gid))}\n`);
  else if (opts.has("G")) st.out(`${groups.map((g) => shown(g, n.group(g))).join(" ")}\n`);
  else {
    const named = (value: number, name: string | undefined) => (name === undefined ? String(value) : `${value}(${name})`);
    st.out(`uid=${named(cred.uid, n.user(cred.uid))} gid=${named(cred.gid, n.group(cred.gid))} groups=${groups.map((g) => named(g, n.group(g))).join(",")}\n`);
  }
  return 0;
}

/** whoami: the effective user's name; an id /etc/passwd does not name is an error. */
function* whoami(_argv: string[], sh: ShellState, st: Streams): Gen {
  const uid = credentials(sh).uid;
  const name = names(sh).user(uid);
  if (name !== undefined) {
    st.out(`${name}\n`);
    return 0;
  }
  st.err(sh.userland === "busybox" ? `whoami: unknown uid ${uid}\n` : `whoami: cannot find name for user ID ${uid}\n`);
  return 1;
}

// /bin/true and /bin/false are files of every userland (busybox applets, coreutils); the init
// container conformance tests run them by path, where the shell builtins do not apply.
function* trueUtility(): Gen { return 0; }
function* falseUtility(): Gen { return 1; }

function* pwd(_argv: string[], sh: ShellState, st: Streams): Gen {
  st.out(sh.cwd + "\n");
  return 0;
}

/**
 * busybox killall [-q] [-SIG] NAME...: signals every process by that name (TERM by default; -0
 * only asks whether one lives); a name nothing answers to is an error ("no process killed"), and
 * the status is the number of such names. Debian-based images have no killall (psmisc is not in them).
 */
function* killall(argv: string[], sh: ShellState, st: Streams): Gen {
  let signal = 15;
  let quiet = false;
  let i = 1;
  for (; i < argv.length && argv[i]!.startsWith("-") && argv[i] !== "-"; i++) {
    const a = argv[i]!.slice(1);
    if (a === "q") { quiet = true; continue; }
    if (a === "-") { i++; break; }
    const n = signalNumber(a);
    if (n === undefined) { st.err(`killall: bad signal name '${a}'\n`); return 1; }
    signal = n;
  }
  const names = argv.slice(i);
  if (names.length === 0) { st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: killall [-lq] [-SIG] PROCESS_NAME...\n"); return 1; }
  let errors = 0;
  for (const name of names) {
    const r = yield* perform(sh, { type: "signal", name, signal });
    if (r?.type === "signal" && r.matched) continue;
    errors++;
    if (!quiet) st.err(`killall: ${name}: no process killed\n`);
  }
  return errors;
}

/** busybox ps's -o columns (procps/ps.c out_spec, DESKTOP build): name, header, width. */
const psColumns: readonly (readonly [string, string, number])[] = [
  ["user", "USER", 8], ["group", "GROUP", 8], ["comm", "COMMAND", 16], ["args", "COMMAND", 2048], ["pid", "PID", 5], ["ppid", "PPID", 5], ["pgid", "PGID", 5],
  ["etime", "ELAPSED", 7], ["nice", "NI", 5], ["rgroup", "RGROUP", 8], ["ruser", "RUSER", 8], ["time", "TIME", 5], ["tty", "TT", 6], ["vsz", "VSZ", 4],
  ["sid", "SID", 5], ["stat", "STAT", 4], ["rss", "RSS", 4],
];
// the columns a process here has a value for; the others are not modelled
const psModelled = new Set(["user", "comm", "args", "pid", "time"]);

/**
 * busybox ps (the DESKTOP build busybox images ship, procps/ps.c): -a -A -d -e -f -l -T -Z are
 * taken and ignored, words without a dash (`ps aux`) too; -o picks columns. The default columns
 * are pid,user,time,args: `PID   USER     TIME  COMMAND`, each field padded to its width and one
 * space, the user's name from the caller's /etc/passwd or its number (get_cached_username), the
 * command line from /proc/<pid>/cmdline with its NULs as spaces.
 */
function* ps(argv: string[], sh: ShellState, st: Streams): Gen {
  const cols: { name: string; header: string; width: number }[] = [];
  const parseO = (spec: string): string | undefined => {
    const parts = spec.split(",");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const eq = i === parts.length - 1 ? part.indexOf("=") : -1;
      const name = eq >= 0 ? part.slice(0, eq) : part;
      const col = psColumns.find(([n]) => n === name.slice(0, 6));
      if (col === undefined) return `ps: bad -o argument '${name}', supported arguments: ${psColumns.map(([n]) => n.slice(0, 6)).join(",")}\n`;
      const header = eq >= 0 ? part.slice(eq + 1) : col[1];
      cols.push({ name: col[0], header, width: eq >= 0 && header !== "" ? header.length : col[2] });
    }
    return undefined;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (c === "o") {
        const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (value === undefined) { st.err("ps: option requires an argument -- 'o'\n" + psUsage); return 1; }
        const bad = parseO(value);
        if (bad !== undefined) { st.err(bad); return 1; }
        break;
      }
      if (!"ZaAdeflT".includes(c)) { st.err(`ps: invalid option -- '${c}'\n` + psUsage); return 1; }
    }
  }
  if (cols.length === 0) parseO("pid,user,time,args");
  const missing = cols.find((c) => !psModelled.has(c.name));
  if (missing !== undefined) {
    st.err(`podflow: ps -o ${missing.name} is not modelled\n`);
    return 127;
  }
  const r = yield* perform(sh, { type: "ps", args: argv, ...(sh.pipeline ? { pipeline: sh.pipeline } : {}) });
  const rows = r?.type === "ps" ? r.rows : [];
  const who = names(sh);
  const field = (name: string, width: number, row: (typeof rows)[number]): string => {
    switch (name) {
      case "pid": return String(row.pid).padStart(width);
      case "user": return (who.user(row.uid) ?? String(row.uid)).slice(0, width);
      // cumulative CPU time, "%2u:%02u" (format_time): these processes have used less than a second
      case "time": return " 0:00".slice(0, width);
      case "comm": return base(row.argv[0] ?? "").slice(0, Math.min(width, 15));
      default: return row.argv.join(" ");
    }
  };
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v + " ".repeat(Math.max(cols[i]!.width - v.length + 1, 1)))).join("");
  if (cols.some((c) => c.header !== "")) st.out(`${line(cols.map((c) => c.header))}\n`);
  for (const row of rows) st.out(`${line(cols.map((c) => field(c.name, c.width, row) || "-"))}\n`);
  return 0;
}

const psUsage = "BusyBox v1.37.0 multi-call binary.\n\nUsage: ps [-o COL1,COL2=HEADER] [-T]\n";

function base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** A size with busybox's suffixes (cwbkMG, kD/MD/GD decimal; head's lower-case m); undefined when it is not one. */
function sizeArg(arg: string): number | undefined {
  const m = /^(\d+)(c|w|b|kD|k|K|MD|M|m|GD|G)?$/.exec(arg);
  if (!m) return undefined;
  const unit: Record<string, number> = { c: 1, w: 2, b: 512, kD: 1000, k: 1024, K: 1024, MD: 1_000_000, M: 1_048_576, m: 1_048_576, GD: 1_000_000_000, G: 1_073_741_824 };
  return Number(m[1]) * (m[2] === undefined ? 1 : unit[m[2]]!);
}


/**
 * cut -b/-c LIST | -f LIST [-d C] [-s] (coreutils/cut.c): LIST is N, N-, N-M, -M joined by
 * commas; the positions print once each in ascending order. A line without the delimiter prints
 * whole under -f unless -s.
 */
// tr's character classes (coreutils/tr.c's expand(): [:alpha:] and the others, in ASCII)
const trClasses: Record<string, string> = (() => {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCharCode(a + i)).join("");
  const lower = range(97, 122), upper = range(65, 90), digit = range(48, 57);
  const punct = [...range(33, 126)].filter((c) => !/[A-Za-z0-9]/.test(c)).join("");
  return { alpha: upper + lower, alnum: digit + upper + lower, digit, lower, upper, space: "\t\n\v\f\r ", blank: "\t ", punct, xdigit: digit + "ABCDEFabcdef", cntrl: range(0, 31) + "\x7f" };
})();

/** A tr set as busybox's expand() reads it: escapes, ranges a-z, [:class:], [=c=] and [c*n]. */
function trSet(arg: string): string {
  let out = "";
  const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", b: "\b", a: "\x07", "\\": "\\" };
  const chars: string[] = [];
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === "\\" && i + 1 < arg.length) {
      const oct = /^[0-7]{1,3}/.exec(arg.slice(i + 1));
      if (oct) { chars.push(String.fromCharCode(parseInt(oct[0], 8))); i += oct[0].length; continue; }
      chars.push(esc[arg[i + 1]!] ?? arg[i + 1]!);
      i++;
      continue;
    }
    const cls = /^\[:([a-z]+):\]/.exec(arg.slice(i));
    if (cls && Object.hasOwn(trClasses, cls[1]!)) { chars.push(...trClasses[cls[1]!]!); i += cls[0].length - 1; continue; }
    const eq = /^\[=(.)=\]/.exec(arg.slice(i));
    if (eq) { chars.push(eq[1]!); i += eq[0].length - 1; continue; }
    const rep = /^\[(.)\*(\d*)\]/.exec(arg.slice(i));
    if (rep) { chars.push(...rep[1]!.repeat(Math.min(Number(rep[2] || "1"), 4096))); i += rep[0].length - 1; continue; }
    chars.push(c);
  }
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === "-" && i + 2 < chars.length) {
      const a = chars[i]!.charCodeAt(0), b = chars[i + 2]!.charCodeAt(0);
      for (let x = a; x <= b; x++) out += String.fromCharCode(x);
      i += 2;
    } else out += chars[i]!;
  }
  return out;
}

/**
 * tr [-cds] SET1 [SET2]: translates stdin's characters of SET1 to SET2's at the same place (SET2
 * padded with its last character), deletes them (-d), squeezes repeats (-s), or takes SET1's
 * complement (-c), as coreutils/tr.c does.
 */
function* tr(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  const del = set.has("d"), squeeze = set.has("s"), complement = set.has("c") || set.has("C");
  if (rest.length === 0 || (!del && !squeeze && rest.length < 2)) {
    st.err(gnu(sh) ? (rest.length === 0 ? "tr: missing operand\n" : `tr: missing operand after '${rest[0]}'\nTwo strings must be given when translating.\n`) + "Try 'tr --help' for more information.\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: tr [-cds] STRING1 [STRING2]\n");
    return 1;
  }
  const named = trSet(rest[0]!);
  // -c: every byte SET1 does not name, in ascending order
  const list1 = complement ? Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).filter((c) => !named.includes(c)).join("") : named;
  const in1 = new Set(list1);
  const s2 = rest[1] !== undefined ? trSet(rest[1]) : "";
  const map = new Map<string, string>();
  if (!del && s2 !== "") [...list1].forEach((c, i) => { if (!map.has(c)) map.set(c, s2[Math.min(i, s2.length - 1)]!); });
  // -s squeezes SET2's characters when there is a SET2, else SET1's
  const squeezeSet = new Set(rest[1] !== undefined ? s2 : list1);
  let out = "";
  let last = "";
  for (const ch of st.stdin) {
    if (del && in1.has(ch)) continue;
    const c = map.get(ch) ?? ch;
    if (squeeze && squeezeSet.has(c) && c === last) continue;
    out += c;
    last = c;
  }
  st.out(out);
  return 0;
}

// ---- sed (busybox editors/sed.c): s///, p, d, addresses, -n -e -E ---------------------------

type SedAddress = { line: number } | { last: true } | { re: RegExp };
interface SedCommand { from?: SedAddress; to?: SedAddress; cmd: "s" | "p" | "d"; re?: RegExp; replacement?: string; global?: boolean; nth?: number; print?: boolean }

/** A POSIX regular expression (basic, or extended with -E) as a JavaScript one. */
function posixRegex(src: string, extended: boolean, flags: string): RegExp | undefined {
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "[") {
      // a bracket expression, its [:class:]es spelt out
      let j = i + 1;
      let body = "";
      if (src[j] === "^") { body += "^"; j++; }
      if (src[j] === "]") { body += "\\]"; j++; }
      while (j < src.length && src[j] !== "]") {
        const cls = /^\[:([a-z]+):\]/.exec(src.slice(j));
        if (cls && Object.hasOwn(POSIX_CLASSES, cls[1]!)) { body += POSIX_CLASSES[cls[1]!]; j += cls[0].length; continue; }
        body += src[j] === "\\" ? "\\\\" : src[j];
        j++;
      }
      if (j >= src.length) return undefined;
      out += `[${body}]`;
      i = j;
    } else if (c === "\\" && i + 1 < src.length) {
      const n = src[++i]!;
      if (!extended && "(){}+?|".includes(n)) out += n;
      else if (n === "n") out += "\\n";
      else if (n === "t") out += "\\t";
      else if (/[1-9]/.test(n)) out += `\\${n}`;
      else out += /[A-Za-z0-9]/.test(n) ? n : `\\${n}`;
    } else if (!extended && "(){}+?|".includes(c)) out += `\\${c}`;
    else out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch {
    return undefined;
  }
}

/** Splits at the unescaped delimiter: the pieces, and where the text after the last one starts. */
function sedPieces(s: string, start: number, delim: string, count: number): { parts: string[]; end: number } | undefined {
  const parts: string[] = [];
  let cur = "";
  let i = start;
  for (; i < s.length && parts.length < count; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      // an escaped delimiter is the character itself
      cur += s[i + 1] === delim ? delim : c + s[i + 1]!;
      i++;
    } else if (c === delim) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  return parts.length === count ? { parts, end: i } : undefined;
}

/** parse_cmd_args: the script's commands, or the error busybox prints. */
function parseSed(script: string, extended: boolean): SedCommand[] | string {
  const cmds: SedCommand[] = [];
  let i = 0;
  const address = (): SedAddress | undefined | string => {
    if (/[0-9]/.test(script[i] ?? "")) {
      const m = /^[0-9]+/.exec(script.slice(i))!;
      i += m[0].length;
      return { line: Number(m[0]) };
    }
    if (script[i] === "$") { i++; return { last: true }; }
    if (script[i] === "/" || script[i] === "\\") {
      const delim = script[i] === "\\" ? script[++i]! : "/";
      const p = sedPieces(script, i + 1, delim, 1);
      if (!p) return `unterminated address regex`;
      i = p.end;
      const re = posixRegex(p.parts[0]!, extended, "");
      return re ? { re } : "bad regex";
    }
    return undefined;
  };
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i]!)) i++;
    if (i >= script.length) break;
    const from = address();
    if (typeof from === "string") return from;
    let to: SedAddress | undefined;
    if (from && script[i] === ",") {
      i++;
      const t = address();
      if (typeof t === "string") return t;
      if (t === undefined) return "unexpected ','";
      to = t;
    }
    while (script[i] === " ") i++;
    const c = script[i++];
    const base: SedCommand = { cmd: "p", ...(from ? { from } : {}), ...(to ? { to } : {}) };
    if (c === "p" || c === "d") cmds.push({ ...base, cmd: c });
    else if (c === "s") {
      const delim = script[i];
      if (delim === undefined) return "unterminated s";
      const p = sedPieces(script, i + 1, delim, 2);
      if (!p) return `unmatched '${delim}'`;
      i = p.end;
      let global = false;
      let print = false;
      let nth = 1;
      let icase = false;
      while (i < script.length && /[gpiI0-9]/.test(script[i]!)) {
        const f = script[i]!;
        if (f === "g") global = true;
        else if (f === "p") print = true;
        else if (f === "i" || f === "I") icase = true;
        else {
          const m = /^[0-9]+/.exec(script.slice(i))!;
          nth = Number(m[0]);
          i += m[0].length - 1;
        }
        i++;
      }
      const re = posixRegex(p.parts[0]!, extended, `g${icase ? "i" : ""}`);
      if (!re) return "bad regex";
      cmds.push({ ...base, cmd: "s", re, replacement: p.parts[1]!, global, nth, print });
    } else return `unsupported command ${c ?? ""}`;
    while (script[i] === " ") i++;
    if (i < script.length && !/[;\n]/.test(script[i]!) && script[i] !== "}") return `extra characters after command`;
  }
  return cmds;
}

/** The replacement of one match: & is the match, \1..\9 its groups, \n a newline. */
function sedReplacement(rep: string, m: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === "&") out += m[0];
    else if (c === "\\" && i + 1 < rep.length) {
      const n = rep[++i]!;
      out += /[0-9]/.test(n) ? (m[Number(n)] ?? "") : n === "n" ? "\n" : n === "t" ? "\t" : n;
    } else out += c;
  }
  return out;
}

/** s///: the line with the nth (or, with g, every from the nth) match replaced, and whether any was. */
function sedSubstitute(line: string, c: SedCommand): [string, boolean] {
  const re = new RegExp(c.re!.source, c.re!.flags);
  let out = "";
  let last = 0;
  let count = 0;
  let replaced = false;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    count++;
    if (count >= c.nth! && (c.global || count === c.nth)) {
      out += line.slice(last, m.index) + sedReplacement(c.replacement!, m);
      last = m.index + m[0].length;
      replaced = true;
      if (!c.global) break;
    }
    if (m[0] === "") re.lastIndex++;
  }
  return [out + line.slice(last), replaced];
}

/**
 * busybox sed with the commands docs pages use: s/RE/REPLACEMENT/[gpN], p and d, each after an
 * optional address or range (a line number, $, /RE/); -n, -e (repeatable), -E/-r for extended
 * expressions, -i to edit the files in place. Each input line runs the script, then is printed unless -n or d.
 */
function* sed(argv: string[], sh: ShellState, st: Streams): Gen {
  const scripts: string[] = [];
  const files: string[] = [];
  let quiet = false;
  let extended = false;
  let inPlace = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-e" || a === "--expression") { const v = argv[++i]; if (v === undefined) { st.err("sed: option requires an argument -- 'e'\n"); return 1; } scripts.push(v); continue; }
    if (a.startsWith("-") && a.length > 1 && a !== "--") {
      for (const f of a.slice(1)) {
        if (f === "n") quiet = true;
        else if (f === "E" || f === "r") extended = true;
        else if (f === "i") inPlace = true;
        else { st.err(`sed: invalid option -- '${f}'\n`); return 1; }
      }
      continue;
    }
    files.push(a);
  }
  if (scripts.length === 0) {
    const first = files.shift();
    if (first === undefined) { st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\nor: sed [-i[SFX]] [-nrE] CMD [FILE]...\n"); return 1; }
    scripts.push(first);
  }
  const parsed = parseSed(scripts.join("\n"), extended);
  if (typeof parsed === "string") { st.err(`sed: ${parsed}\n`); return 1; }
  let status = 0;
  if (inPlace) {
    // -i: each file edited on its own and written back (a line number counts within the file)
    for (const f of files) {
      const r = readPath(sh, f);
      if (typeof r !== "string") { st.err(`sed: can't open '${f}': ${errnoText[r.error]}\n`); status = 1; continue; }
      const err = sh.io.fs.write(path(sh, f), runSed(parsed, r, quiet));
      if (err) { st.err(`sed: can't create '${f}': ${errnoText[err]}\n`); status = 1; }
    }
    return status;
  }
  let text = "";
  if (files.length === 0) text = st.stdin;
  for (const f of files) {
    const r = f === "-" ? st.stdin : readPath(sh, f);
    if (typeof r !== "string") { st.err(`sed: can't open '${f}': ${errnoText[r.error]}\n`); status = 1; continue; }
    text += r;
  }
  st.out(runSed(parsed, text, quiet));
  return status;
}

/** One pass of a script over a text: what sed writes. */
function runSed(parsed: readonly SedCommand[], text: string, quiet: boolean): string {
  const noNewline = text !== "" && !text.endsWith("\n");
  const lines = text === "" ? [] : (noNewline ? text : text.slice(0, -1)).split("\n");
  const active = parsed.map(() => false);
  const matches = (a: SedAddress, line: string, n: number) => ("line" in a ? a.line === n : "last" in a ? n === lines.length : a.re.test(line));
  let out = "";
  lines.forEach((line, idx) => {
    const n = idx + 1;
    let space = line;
    let deleted = false;
    const emit = (s: string) => { out += `${s}\n`; };
    for (const [ci, c] of parsed.entries()) {
      let hit = c.from === undefined;
      if (c.from !== undefined && c.to === undefined) hit = matches(c.from, space, n);
      else if (c.from !== undefined && c.to !== undefined) {
        if (active[ci]) {
          hit = true;
          // a line-number end at or before this line closes the range here
          if ("line" in c.to ? n >= c.to.line : matches(c.to, space, n)) active[ci] = false;
        } else if (matches(c.from, space, n)) {
          hit = true;
          active[ci] = !("line" in c.to && c.to.line <= n);
        }
      }
      if (!hit) continue;
      if (c.cmd === "d") { deleted = true; break; }
      if (c.cmd === "p") emit(space);
      if (c.cmd === "s") {
        const [next, replaced] = sedSubstitute(space, c);
        space = next;
        if (replaced && c.print) emit(space);
      }
    }
    if (!deleted && !quiet) emit(space);
  });
  // the last line keeps its missing newline
  return noNewline && out.endsWith("\n") ? out.slice(0, -1) : out;
}

const awkUsage = "BusyBox v1.37.0 multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n\n\t-v VAR=VAL\tSet variable\n\t-F SEP\t\tUse SEP as field separator\n\t-f FILE\t\tRead program from FILE\n\t-e AWK_PROGRAM\n";

/**
 * busybox awk [-F SEP] [-v VAR=VAL]... [-f FILE | -e PROG | PROG] [FILE | VAR=VAL]... (editors/awk.c):
 * the program runs in awk.ts over the files' (or stdin's) text; what print > FILE wrote is written
 * here, through the container's filesystem.
 */
function* awk(argv: string[], sh: ShellState, st: Streams): Gen {
  const assigns: [string, string][] = [];
  let fs: string | undefined;
  let program: string | undefined;
  // syntax_error names the program's file (-f FILE, "-" for stdin) or "cmd. line"
  let progname = "cmd. line";
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") { i++; break; }
    if (!a.startsWith("-") || a === "-") break;
    const opt = a[1]!;
    if (!"vFfe".includes(opt)) { st.err(`awk: invalid option -- '${opt}'\n${awkUsage}`); return 1; }
    const value = a.length > 2 ? a.slice(2) : argv[++i];
    if (value === undefined) { st.err(`awk: option requires an argument -- '${opt}'\n${awkUsage}`); return 1; }
    if (opt === "F") fs = value;
    else if (opt === "v") {
      const eq = value.indexOf("=");
      if (eq <= 0) { st.err(`awk: invalid variable assignment '${value}'\n`); return 1; }
      assigns.push([value.slice(0, eq), value.slice(eq + 1)]);
    } else if (opt === "e") program = (program === undefined ? "" : `${program}\n`) + value;
    else {
      const r = value === "-" ? st.stdin : readPath(sh, value);
      if (typeof r !== "string") { st.err(`awk: can't open '${value}': ${errnoText[r.error]}\n`); return 1; }
      program = (program === undefined ? "" : `${program}\n`) + r;
      progname = value;
    }
  }
  if (program === undefined) {
    if (i >= argv.length) { st.err(awkUsage); return 1; }
    program = argv[i++]!;
  }
  const parsed = parseAwk(program);
  if ("error" in parsed) { st.err(`awk: ${progname}:${parsed.line}: ${parsed.error}\n`); return 1; }
  const result = runAwk({
    program: parsed, assigns, fs, operands: argv.slice(i), env: Object.fromEntries(environment(sh)),
    readInput: (name) => {
      if (name === "-" || name === "/dev/stdin") return st.stdin;
      const r = readPath(sh, name);
      return typeof r === "string" ? r : { error: errnoText[r.error] };
    },
  });
  st.out(result.out);
  let status = result.status;
  for (const [file, w] of result.files) {
    const old = w.append ? readPath(sh, file) : "";
    const err = sh.io.fs.write(path(sh, file), (typeof old === "string" ? old : "") + w.text);
    if (err) { st.err(`awk: can't open '${file}': ${errnoText[err]}\n`); status = 1; }
  }
  st.err(result.err);
  return status;
}

function* cut(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, values, rest } = flags(argv.slice(1), "bcfd");
  const list = values.get("f") ?? values.get("c") ?? values.get("b");
  if (list === undefined) { st.err("cut: expected a list of bytes, characters, or fields\n"); return 1; }
  const fields = values.has("f");
  const delim = values.get("d") ?? "\t";
  if (delim.length > 1) { st.err("cut: the delimiter must be a single character\n"); return 1; }
  if (!fields && set.has("s")) { st.err("cut: suppressing non-delimited lines makes sense only when operating on fields\n"); return 1; }
  if (!fields && values.has("d")) { st.err("cut: a delimiter may be specified only when operating on fields\n"); return 1; }
  const ranges: [number, number][] = [];
  for (const tok of list.split(",")) {
    if (tok === "") continue;
    const m = /^(\d*)(-?)(\d*)$/.exec(tok);
    if (!m || (m[1] === "" && m[3] === "" && m[2] === "")) { st.err(`cut: invalid number '${tok}'\n`); return 1; }
    const start = m[1] === "" ? 1 : Number(m[1]);
    const end = m[2] === "" ? start : m[3] === "" || Number(m[3]) === 0 ? Number.POSITIVE_INFINITY : Number(m[3]);
    ranges.push([Math.max(start, 1), end]);
  }
  if (ranges.length === 0) { st.err("cut: missing list of positions\n"); return 1; }
  const chosen = (i: number) => ranges.some(([a, b]) => i >= a && i <= b);
  let status = 0;
  let out = "";
  for (const f of rest.length ? rest : ["-"]) {
    const text = f === "-" ? st.stdin : readPath(sh, f);
    if (typeof text !== "string") { st.err(`cut: can't open '${f}': ${errnoText[text.error]}\n`); status = 1; continue; }
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    for (const line of lines) {
      if (!fields) { out += `${[...line].filter((_, i) => chosen(i + 1)).join("")}\n`; continue; }
      if (!line.includes(delim)) { if (!set.has("s")) out += `${line}\n`; continue; }
      out += `${line.split(delim).filter((_, i) => chosen(i + 1)).join(delim)}\n`;
    }
  }
  st.out(out);
  return status;
}

/**
 * xargs [-n N] [-I R] [COMMAND [ARG...]] (findutils/xargs.c): runs COMMAND (echo by default)
 * with the words of stdin as arguments, N at a time; with -I each input line is one argument,
 * put where R is. Status 123 when a command failed, 127 when it was not found.
 */
function* xargs(argv: string[], sh: ShellState, st: Streams): Gen {
  let i = 1;
  let per: number | undefined;
  let replace: string | undefined;
  let noEmpty = false;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-n" || a === "-I") { if (a === "-n") per = Number(argv[++i]); else replace = argv[++i]; continue; }
    if (/^-n\d+$/.test(a)) { per = Number(a.slice(2)); continue; }
    if (a.startsWith("-I") && a.length > 2) { replace = a.slice(2); continue; }
    if (a === "-r" || a === "--no-run-if-empty") { noEmpty = true; continue; }
    if (a === "-t" || a === "-x") continue;
    break;
  }
  const command = argv.length > i ? argv.slice(i) : ["echo"];
  let runs: string[][];
  if (replace !== undefined) {
    const lines = st.stdin.split("\n").filter((l) => l.trim() !== "");
    runs = lines.map((l) => command.map((w) => w.split(replace!).join(l.replace(/^\s+/, ""))));
  } else {
    const words = [...st.stdin.matchAll(/"([^"]*)"|'([^']*)'|((?:\\.|[^\s"'])+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!.replace(/\\(.)/g, "$1"));
    if (words.length === 0) runs = noEmpty ? [] : [command];
    else {
      const n = per !== undefined && per > 0 ? per : words.length;
      runs = [];
      for (let k = 0; k < words.length; k += n) runs.push([...command, ...words.slice(k, k + n)]);
    }
  }
  let status = 0;
  for (const run of runs) {
    const code = yield* runArgv(run, sh, { stdin: "", out: st.out, err: st.err });
    if (code === 127) return 127;
    if (code === 255) { st.err(`xargs: ${run[0]}: exited with status 255; aborting\n`); return 124; }
    if (code !== 0) status = 123;
  }
  return status;
}

/**
 * yes [STRING...] (coreutils/yes.c): the line forever. Into a pipe it fills the pipe's 64 KiB
 * and is ended by SIGPIPE when its reader has read what it wanted; anywhere else it never
 * blocks, so it ends as any loop that never sleeps does here.
 */
function* yes(argv: string[], sh: ShellState, st: Streams): Gen {
  const line = `${argv.length > 1 ? argv.slice(1).join(" ") : "y"}\n`;
  const p = sh.pipeline;
  if (p === undefined || p.index === p.argvs.length - 1) throw new LoopBoundExceeded();
  st.out(line.repeat(Math.ceil(65_536 / line.length)));
  return 141;
}

/** The blocks (1 KiB) du counts for a path: 4 KiB blocks for each file's bytes, one block for a directory; undefined when missing. */
function duKiB(sh: ShellState, p: string): number | undefined {
  if (sh.io.fs.isDir(p)) {
    const names = sh.io.fs.list(p);
    let total = 4;
    if (Array.isArray(names)) for (const n of names) total += duKiB(sh, p === "/" ? `/${n}` : `${p}/${n}`) ?? 0;
    return total;
  }
  const r = sh.io.fs.read(p);
  if (typeof r !== "string") return undefined;
  return Math.ceil(r.length / 4096) * 4;
}

/**
 * busybox pgrep and pkill [-flanovxe] [-SIGNAL] PATTERN (procps/pgrep.c): the processes of the
 * caller's pid namespace (the pod's with shareProcessNamespace) whose argv[0], or whole command line
 * with -f, or else comm (the executable's name, 15 characters), the extended regex matches; -x
 * anchors it. pgrep prints each pid (-l: and argv[0], -a: and the command line); pkill signals
 * each (TERM unless -SIGNAL first), -e telling which. Neither matches itself; 1 when none matched.
 */
function* pgrep(argv: string[], sh: ShellState, st: Streams): Gen {
  const me = base(argv[0] ?? "");
  const isKill = me === "pkill";
  const usage = isKill
    ? "BusyBox v1.37.0 multi-call binary.\n\nUsage: pkill [-l|-SIGNAL] [-xfvnoe] [-s SID|-P PPID|PATTERN]\n\nSend signal to processes selected by regex PATTERN\n\n\t-l\tList all signals\n\t-x\tMatch whole name (not substring)\n\t-f\tMatch against entire command line\n\t-s SID\tMatch session ID (0 for current)\n\t-P PPID\tMatch parent process ID\n\t-v\tNegate the match\n\t-n\tSignal the newest process only\n\t-o\tSignal the oldest process only\n\t-e\tDisplay name and PID of the process being killed\n"
    : "BusyBox v1.37.0 multi-call binary.\n\nUsage: pgrep [-flanovx] [-s SID|-P PPID|PATTERN]\n\nDisplay process(es) selected by regex PATTERN\n\n\t-l\tShow command name too\n\t-a\tShow command line too\n\t-f\tMatch against entire command line\n\t-n\tShow the newest process only\n\t-o\tShow the oldest process only\n\t-v\tNegate the match\n\t-x\tMatch whole name (not substring)\n\t-s\tMatch session ID (0 for current)\n\t-P\tMatch parent process ID\n";
  let signal = 15;
  let i = 1;
  // -SIGNAL must come first (get_signum: a number or a name, SIG optional)
  if (isKill && argv[1]?.startsWith("-")) {
    const n = signalNumber(argv[1].slice(1));
    if (n !== undefined) { signal = n; i = 2; }
  }
  const set = new Set<string>();
  const operands: string[] = [];
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") { for (const o of argv.slice(i + 1)) operands.push(o); break; }
    if (!a.startsWith("-") || a === "-") { operands.push(a); continue; }
    for (const c of a.slice(1)) {
      if (c === "s" || c === "P") { st.err(`podflow: ${me} -${c} is not modelled (no sessions or parent pids)\n`); return 127; }
      if (!"vlafxone".includes(c)) { st.err(`${me}: invalid option -- '${c}'\n${usage}`); return 1; }
      set.add(c);
    }
  }
  // print_signames' table of every signal is not modelled (the shells know a handful by name)
  if (isKill && set.has("l")) { st.err("podflow: pkill -l is not modelled\n"); return 127; }
  if (operands.length !== 1) { st.err(usage); return 1; }
  const re = posixRegex(operands[0]!, true, "");
  if (re === undefined) { st.err(`podflow: ${me}: the regex '${operands[0]}' is not one podflow reads\n`); return 127; }
  const r = yield* perform(sh, { type: "ps", args: argv, ...(sh.pipeline ? { pipeline: sh.pipeline } : {}) });
  const rows = r?.type === "ps" ? r.rows.filter((row) => row.pid !== r.self) : [];
  const matches = (text: string): boolean => {
    const m = re.exec(text);
    return m !== null && (!set.has("x") || (m.index === 0 && m[0].length === text.length));
  };
  const picked = rows.filter((row) => {
    const cmd = set.has("f") ? row.argv.join(" ") : row.argv[0] ?? "";
    const comm = base((row.argv[0] ?? "").split(" ")[0]!).slice(0, 15);
    return (matches(cmd) || matches(comm)) !== set.has("v");
  });
  // procps_scan reads /proc in pid order: -o takes the first, -n the last
  const chosen = set.has("n") ? picked.slice(-1) : set.has("o") ? picked.slice(0, 1) : picked;
  for (const row of chosen) {
    const shown = set.has("a") ? row.argv.join(" ") : row.argv[0] ?? "";
    if (!isKill) { st.out(set.has("l") || set.has("a") ? `${row.pid} ${shown}\n` : `${row.pid}\n`); continue; }
    yield* perform(sh, { type: "signal", name: "", pid: row.pid, signal });
    if (set.has("e")) st.out(`${shown} killed (pid ${row.pid})\n`);
  }
  return chosen.length > 0 ? 0 : 1;
}

/** What the node's kernel answers sysinfo(2) and sched_getaffinity(2) with (the CRI's sysinfo answer). */
function* sysinfo(sh: ShellState): Generator<Effect, SysinfoResult, EffectResult> {
  const r = yield* perform(sh, { type: "sysinfo" });
  if (r?.type !== "sysinfo") throw new Error("sysinfo: the runtime gave no answer");
  return r;
}

/**
 * nproc [--all] [--ignore=N] (busybox coreutils/nproc.c, GNU's alike): the CPUs in the process's
 * affinity mask, which in a container is every CPU of the node (a CPU limit is a CFS quota, not a
 * cpuset), or with --all the node's CPUs; --ignore takes N off, never below 1.
 */
function* nproc(argv: string[], sh: ShellState, st: Streams): Gen {
  let ignore = 0;
  for (const a of argv.slice(1)) {
    // busybox's getopt32 stops at the first operand ("+") and ignores the rest; GNU's refuses one
    if (!a.startsWith("-") && !gnu(sh)) break;
    const m = /^--ignore=(.*)$/.exec(a);
    if (a === "--all") continue;
    if (m && /^\d+$/.test(m[1]!)) { ignore = Number(m[1]); continue; }
    // xatoi_positive's and coreutils' quote()d words
    if (m) { st.err(gnu(sh) ? `nproc: invalid number: '${m[1]}'\n` : `nproc: invalid number '${m[1]}'\n`); return 1; }
    if (gnu(sh)) {
      const why = !a.startsWith("-") ? `extra operand '${a}'` : a.startsWith("--") ? `unrecognized option '${a}'` : `invalid option -- '${a[1] ?? ""}'`;
      st.err(`nproc: ${why}\nTry 'nproc --help' for more information.\n`);
      return 1;
    }
    st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: nproc [--all] [--ignore=N]\n\nPrint number of available CPUs\n\n\t--all\t\tNumber of installed CPUs\n\t--ignore=N\tExclude N CPUs\n");
    return 1;
  }
  const { cpus } = yield* sysinfo(sh);
  st.out(`${Math.max(1, cpus - ignore)}\n`);
  return 0;
}

/**
 * busybox free [-b|-k|-m|-g|-h] (procps/free.c): sysinfo(2)'s RAM, which no namespace or cgroup
 * narrows, so a container sees its node's, whatever its memory limit. Columns of 12 in KiB unless
 * asked otherwise (make_human_readable_str rounds to the unit; -h gives one decimal and a suffix);
 * used is total less free, buffers and cache (none modelled here), available is MemAvailable; no swap.
 */
function* free(argv: string[], sh: ShellState, st: Streams): Gen {
  const units: Record<string, number> = { "-b": 1, "-k": 1024, "-m": 1 << 20, "-g": 1 << 30, "-h": 0 };
  const opt = argv[1];
  const unit = opt !== undefined && opt.startsWith("-") ? units[opt.slice(0, 2)] : 1024;
  if (unit === undefined) { st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: free [-bkmgh]\n\nDisplay free and used memory\n"); return 1; }
  const info = yield* sysinfo(sh);
  const scale = (bytes: number) => (bytes === 0 ? "0" : unit === 0 ? humanReadable(bytes) : String(Math.floor((bytes + Math.floor(unit / 2)) / unit)));
  const col = (v: string) => v.padStart(12);
  const freeBytes = info.memTotalBytes - info.memUsedBytes;
  st.out(`       ${["total", "used", "free", "shared", "buff/cache", "available"].map(col).join("")}\n`
    + `Mem:   ${[info.memTotalBytes, info.memUsedBytes, freeBytes, 0, 0, freeBytes].map((b) => col(scale(b))).join("")}\n`
    + `Swap:  ${[0, 0, 0].map((b) => col(scale(b))).join("")}\n`);
  return 0;
}

/**
 * du [-s] [-h] [-k] [PATH...] (coreutils/du.c): the KiB each path takes (or, -h, human-readable
 * like 4.0K), each directory under it first unless -s; "." by default.
 */
function* du(argv: string[], sh: ShellState, st: Streams): Gen {
  const { set, rest } = flags(argv.slice(1));
  const show = (kib: number) => (set.has("h") ? humanReadable(kib * 2, 512) : String(kib));
  let status = 0;
  let out = "";
  const walk = (p: string, shown: string): number => {
    if (!set.has("s") && sh.io.fs.isDir(p)) {
      let total = 4;
      const names = sh.io.fs.list(p);
      if (Array.isArray(names)) for (const n of names) total += walk(p === "/" ? `/${n}` : `${p}/${n}`, shown.endsWith("/") ? `${shown}${n}` : `${shown}/${n}`);
      out += `${show(total)}\t${shown}\n`;
      return total;
    }
    const kib = duKiB(sh, p) ?? 0;
    // without -s, du lists directories only (the files it counts)
    if (set.has("s")) out += `${show(kib)}\t${shown}\n`;
    return kib;
  };
  for (const t of rest.length ? rest : ["."]) {
    const p = path(sh, t);
    if (duKiB(sh, p) === undefined) { st.err(`du: ${t}: No such file or directory\n`); status = 1; continue; }
    if (!set.has("s") && !sh.io.fs.isDir(p)) { out += `${show(duKiB(sh, p)!)}\t${t}\n`; continue; }
    walk(p, t);
  }
  st.out(out);
  return status;
}

/**
 * dd if=F of=F bs=N count=N (coreutils/dd.c): copies count blocks of bs bytes (512 by default)
 * and reports on stderr as busybox does: records in, records out, and bytes copied with the time
 * it took (here the copy runs at 1 GiB/s of simulated time) and its rate, both in
 * make_human_readable_str's units.
 */
function* dd(argv: string[], sh: ShellState, st: Streams): Gen {
  const ops = new Map<string, string>();
  for (const a of argv.slice(1)) {
    const eq = a.indexOf("=");
    if (eq < 0 || !["bs", "count", "if", "of", "status", "seek", "skip", "ibs", "obs", "conv", "iflag"].includes(a.slice(0, eq))) {
      st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: dd [if=FILE] [of=FILE] [ibs=N obs=N/bs=N] [count=N] [skip=N] [seek=N]\n\t[conv=notrunc|noerror|sync|fsync]\n\t[iflag=skip_bytes|fullblock] [oflag=seek_bytes|append] [status=noxfer|none]\n");
      return 1;
    }
    ops.set(a.slice(0, eq), a.slice(eq + 1));
  }
  const bs = sizeArg(ops.get("bs") ?? "512");
  const count = ops.has("count") ? sizeArg(ops.get("count")!) : undefined;
  if (bs === undefined || bs === 0 || (ops.has("count") && count === undefined)) { st.err(`dd: invalid number '${ops.get("bs") ?? ops.get("count")}'\n`); return 1; }
  const inf = ops.get("if");
  // a device gives as much as asked; a bounded copy only (count=) reads one
  let data: string;
  if (inf !== undefined && isDevice(sh, inf) && path(sh, inf) !== "/dev/null") {
    if (count === undefined) throw new LoopBoundExceeded();
    data = deviceBytes(path(sh, inf), Math.min(bs * count, maxDdBytes + 1), sh.io.now());
  } else {
    const r = inf === undefined ? st.stdin : readPath(sh, inf);
    if (typeof r !== "string") { st.err(`dd: can't open '${inf}': ${errnoText[r.error]}\n`); return 1; }
    data = count === undefined ? r : r.slice(0, bs * count);
  }
  // the writable layer holds so much: a bigger copy fills it and the write fails (ENOSPC), as on a full disk
  const noSpace = data.length > maxDdBytes;
  if (noSpace) data = data.slice(0, maxDdBytes);
  const full = Math.floor(data.length / bs);
  const part = data.length % bs === 0 ? 0 : 1;
  const of = ops.get("of");
  if (of === undefined) st.out(data);
  else if (!isDevice(sh, of)) {
    const err = sh.io.fs.write(path(sh, of), data);
    if (err) { st.err(`dd: can't open '${of}': ${errnoText[err]}\n`); return 1; }
  }
  if (noSpace) st.err(`dd: error writing '${of ?? "standard output"}': No space left on device\n`);
  if (ops.get("status") === "none") return noSpace ? 1 : 0;
  let report = `${full}+${part} records in\n${full}+${part} records out\n`;
  if (ops.get("status") !== "noxfer") {
    const seconds = Math.max(1, Math.round((data.length / 1_073_741_824) * 1e6)) / 1e6;
    report += `${data.length} bytes (${humanReadable(data.length)}B) copied, ${seconds.toFixed(6)} seconds, ${humanReadable(Math.floor(data.length / seconds))}B/s\n`;
  }
  st.err(report);
  return noSpace ? 1 : 0;
}

/** What dd writes at most (64 MiB): the simulated disk's room for one copy, so a script cannot exhaust the server's memory. */
const maxDdBytes = 64 * 1_048_576;

/**
 * busybox's which (debianutils/which.c): each name's path, found as a name with a slash is, or
 * through PATH (every applet is linked into /bin); a name not found makes the status 1, silently.
 */
function* which(argv: string[], sh: ShellState, st: Streams): Gen {
  const names = argv.slice(1).filter((a) => a !== "-a");
  if (names.length === 0) {
    st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: which [-a] COMMAND...\n");
    return 1;
  }
  let status = 0;
  for (const n of names) {
    const found = busyboxPathOf(n, sh);
    if (found === undefined) status = 1;
    else st.out(`${found}\n`);
  }
  return status;
}

/** An address from /etc/hosts (getaddrinfo's files source, before DNS), or undefined. */
function hostsAddress(sh: ShellState, name: string): string | undefined {
  const text = sh.io.fs.read("/etc/hosts");
  if (typeof text !== "string") return undefined;
  for (const line of text.split("\n")) {
    const [addr, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (addr && /^\d+\.\d+\.\d+\.\d+$/.test(addr) && names.includes(name)) return addr;
  }
  return undefined;
}

/** busybox's %u.%03u of microseconds (ping's times). */
const millis = (us: number) => `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, "0")}`;

const pingUsage = "BusyBox v1.37.0 multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n";

/**
 * busybox ping [-q] [-c CNT] [-W SEC] HOST (networking/ping.c, FEATURE_FANCY_PING): the host
 * resolved first (/etc/hosts, then DNS; `bad address` when neither knows it), `PING host (ip): 56
 * data bytes`, then an echo request each second (PINGINTERVAL), each reply printed as it comes
 * (64 bytes: 56 of data and the ICMP header). With -c, once all are sent it waits for the last
 * reply two round trips (at least 1 s) if any came, else -W seconds (MAXWAIT, 10), and stops at
 * once when every reply is in; then the statistics, and status 1 when none came.
 */
function* ping(argv: string[], sh: ShellState, st: Streams): Gen {
  let count = 0;
  let waitSec = 10;
  let quiet = false;
  let host: string | undefined;
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-([cW])(.*)$/.exec(a);
    if (m) {
      const v = m[2] !== "" ? m[2]! : args[++i];
      // getopt32's "+": a whole non-negative number
      if (v === undefined || !/^\d+$/.test(v)) { st.err(v === undefined ? pingUsage : `ping: invalid number '${v}'\n`); return 1; }
      if (m[1] === "c") count = Number(v);
      else waitSec = Number(v);
      continue;
    }
    if (a === "-q") { quiet = true; continue; }
    if (a === "-4" || a === "-n") continue;
    if (a.startsWith("-") && a !== "-") { st.err(pingUsage); return 1; }
    host = a;
    break;
  }
  if (host === undefined) { st.err(pingUsage); return 1; }
  let ip = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : hostsAddress(sh, host);
  if (ip === undefined) {
    const r = (yield* perform(sh, { type: "dns", name: host })) as DnsResult | undefined;
    ip = r?.addresses[0];
    if (ip === undefined) { st.err(`ping: bad address '${host}'\n`); return 1; }
  }
  st.out(`PING ${host} (${ip}): 56 data bytes\n`);
  let sent = 0;
  let received = 0;
  const times: number[] = [];
  for (;;) {
    const at = sh.io.now();
    const last = count > 0 && sent === count - 1;
    const receivedBefore = received;
    sent++;
    const timeoutMs = last ? (receivedBefore > 0 ? 1000 : waitSec * 1000) : 1000;
    const r = (yield* perform(sh, { type: "ping", ip, timeoutMs })) as PingResult | undefined;
    const waited = sh.io.now() - at;
    if (r?.reply) {
      received++;
      const us = waited * 1000;
      times.push(us);
      if (!quiet) st.out(`64 bytes from ${ip}: seq=${sent - 1} ttl=${r.ttl} time=${millis(us)} ms\n`);
    }
    if (last) {
      // a reply in: stop now when all are, else wait out the alarm
      if (r?.reply && received < count && waited < timeoutMs) yield* perform(sh, { type: "sleep", ms: timeoutMs - waited });
      break;
    }
    if (waited < 1000) yield* perform(sh, { type: "sleep", ms: 1000 - waited });
  }
  const loss = Math.floor(((sent - received) * 100) / sent);
  let stats = `\n--- ${host} ping statistics ---\n${sent} packets transmitted, ${received} packets received, ${loss}% packet loss\n`;
  if (times.length > 0) {
    const avg = Math.floor(times.reduce((x, y) => x + y, 0) / times.length);
    stats += `round-trip min/avg/max = ${millis(Math.min(...times))}/${millis(avg)}/${millis(Math.max(...times))} ms\n`;
  }
  st.out(stats);
  return received === 0 ? 1 : 0;
}

/** A filesystem seen from a directory of another as its root (chroot(2)): ".." stops at it. */
function rooted(fs: FileSystem, root: string): FileSystem {
  const at = (p: string) => (root === "/" ? resolvePath("/", p) : `${root}${resolvePath("/", p)}`.replace(/\/$/, "") || "/");
  const out: Partial<Record<(typeof fileSystemCalls)[number], unknown>> = {};
  for (const call of fileSystemCalls) out[call] = (p: string, ...rest: unknown[]) => (fs[call] as (p: string, ...r: unknown[]) => unknown)(at(p), ...rest);
  return out as FileSystem;
}

/**
 * busybox chroot NEWROOT [PROG [ARGS]] (coreutils/chroot.c): xchroot makes NEWROOT the root and
 * chdirs to it, then PROG is executed from the new root, whose programs are its own: a kind
 * node's are Debian's GNU coreutils. Without PROG, `$SHELL -i` (here /bin/sh). A PROG the new root
 * lacks: `can't execute`, 127 (SUSv3's ENOENT status).
 */
function* chroot(argv: string[], sh: ShellState, st: Streams): Gen {
  const dir = argv[1];
  if (dir === undefined) { st.err("BusyBox v1.37.0 multi-call binary.\n\nUsage: chroot NEWROOT [PROG ARGS]\n\nRun PROG with root directory set to NEWROOT\n"); return 1; }
  const root = path(sh, dir);
  if (!sh.io.fs.isDir(root)) {
    st.err(`chroot: can't change root directory to '${dir}': ${errnoText[sh.io.fs.exists(root) ? "ENOTDIR" : "ENOENT"]}\n`);
    return 1;
  }
  const prog = argv.length > 2 ? argv.slice(2) : [sh.vars.get("SHELL") ?? "/bin/sh", "-i"];
  const name = prog[0]!;
  const base = name.slice(name.lastIndexOf("/") + 1);
  const utilities = utilitiesFor("gnu");
  if (!Object.hasOwn(utilities, base)) { st.err(`chroot: can't execute '${name}': No such file or directory\n`); return 127; }
  const inner: ShellState = { ...sh, cwd: "/", userland: "gnu", utilities, programs: () => undefined, io: { ...sh.io, fs: rooted(sh.io.fs, root) } };
  return yield* runArgv(prog, inner, st, true);
}

/** busybox find, -user and -group names looked up in the image's passwd and group files. */
function* find(argv: string[], sh: ShellState, st: Streams): Gen {
  const text = (p: string) => { const r = sh.io.fs.read(p); return typeof r === "string" ? r : ""; };
  const uid = (n: string) => parsePasswd(text("/etc/passwd")).find((e) => e.name === n)?.uid;
  const gid = (n: string) => parseGroup(text("/etc/group")).find((e) => e.name === n)?.gid;
  return yield* findWalk(argv, sh, st, { uid, gid });
}

/**
 * The utilities of a busybox or GNU userland; busybox has no curl, Debian-based images no nslookup.
 * which only where the image is busybox's (appletsInBin: every applet linked into /bin), the one
 * layout whose paths are known here; an Alpine-based image installs applets in their own dirs.
 */
export function utilitiesFor(userland: "busybox" | "gnu", opts: { legacyBusybox?: boolean; appletsInBin?: boolean } = {}): Record<string, Utility> {
  const common: Record<string, Utility> = {
    echo, printf, sleep, cat, rev, touch, rm, mkdir, ls, cp, mv, test, "[": test, "[[": test, date, printenv, env: printenv,
    hostname, tail, head, wc, grep, sort, seq, basename, dirname: basename, wget, id, whoami, uname, pwd, tar, tr, uniq, expr,
    true: trueUtility, false: falseUtility, nproc, stat, readlink: listing.readlink, ln, chmod, chown,
  };
  // Debian's slim images have no procps: no free there
  return userland === "busybox" ? { ...common, kill: killApplet, killall, ps, pgrep, pkill: pgrep, ping, chroot, find, df, awk, cut, xargs, yes, du, dd, sed, free, sysctl, nslookup: opts.legacyBusybox ? legacyNslookup : nslookup, ...(opts.appletsInBin ? { which } : {}) } : { ...common, curl };
}
