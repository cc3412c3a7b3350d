// ls, stat and readlink over the container filesystem's inodes (memfs.ts keeps their mode, owner,
// group, mtime and links): busybox's (coreutils/ls.c display_single, stat.c) and GNU coreutils'
// (ls.c print_long_format, stat.c) output, which the docs' pages show (`ls -laR /etc/podinfo`,
// `ls -l` of an fsGroup volume).

import type { FsStat } from "./memfs.js";
import { resolvePath } from "./memfs.js";
import type { Gen, ShellState, Streams } from "./shell.js";

type Names = { user: (uid: number) => string | undefined; group: (gid: number) => string | undefined };
type ErrnoText = (code: string) => string;

/** What /dev holds beside the mounts' files (runc's default devices and links, containerd's mounts), as lstat tells them. */
const devNodes: ReadonlyMap<string, { type: "char"; major: number; minor: number } | { type: "link"; target: string } | { type: "dir"; mode: number }> = new Map([
  ["core", { type: "link", target: "/proc/kcore" }], ["fd", { type: "link", target: "/proc/self/fd" }],
  ["full", { type: "char", major: 1, minor: 7 }], ["mqueue", { type: "dir", mode: 0o1777 }], ["null", { type: "char", major: 1, minor: 3 }],
  ["ptmx", { type: "link", target: "pts/ptmx" }], ["pts", { type: "dir", mode: 0o755 }], ["random", { type: "char", major: 1, minor: 8 }],
  ["shm", { type: "dir", mode: 0o1777 }], ["stderr", { type: "link", target: "/proc/self/fd/2" }], ["stdin", { type: "link", target: "/proc/self/fd/0" }],
  ["stdout", { type: "link", target: "/proc/self/fd/1" }], ["tty", { type: "char", major: 5, minor: 0 }], ["urandom", { type: "char", major: 1, minor: 9 }],
  ["zero", { type: "char", major: 1, minor: 5 }],
] as const);

/** An inode as ls shows it: stat's fields, and a device's numbers. */
type Inode = (FsStat | (Omit<FsStat, "type"> & { type: "char" })) & { rdev?: [number, number] };

/** lstat (or stat) of a path, /dev's devices included (they are runc's, not files of the tree). */
function inode(sh: ShellState, abs: string, follow: boolean): Inode | { error: string } {
  const m = /^\/dev\/([^/]+)$/.exec(abs);
  const dev = m ? devNodes.get(m[1]!) : undefined;
  if (dev !== undefined && !sh.io.fs.exists(abs)) {
    const base = { uid: 0, gid: 0, mtime: 0, nlink: 1, blocks: 0 };
    if (dev.type === "char") return { ...base, type: "char", mode: 0o666, size: 0, rdev: [dev.major, dev.minor] };
    if (dev.type === "dir") return { ...base, type: "dir", mode: dev.mode, size: 40, nlink: 2 };
    if (!follow) return { ...base, type: "link", mode: 0o777, size: dev.target.length, target: dev.target };
    return { ...base, type: "char", mode: 0o666, size: 0, rdev: [5, 2] };
  }
  return sh.io.fs.stat(abs, follow);
}

/** bb_mode_string / filemodestring: the type letter and rwx triplets, s/S and t/T for the special bits. */
export function modeString(type: Inode["type"], mode: number): string {
  const t = type === "dir" ? "d" : type === "link" ? "l" : type === "char" ? "c" : "-";
  const trip = (r: number, w: number, x: number, special: number, on: string, off: string) =>
    `${mode & r ? "r" : "-"}${mode & w ? "w" : "-"}${mode & special ? (mode & x ? on : off) : mode & x ? "x" : "-"}`;
  return t + trip(0o400, 0o200, 0o100, 0o4000, "s", "S") + trip(0o40, 0o20, 0o10, 0o2000, "s", "S") + trip(0o4, 0o2, 0o1, 0o1000, "t", "T");
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const p2 = (n: number) => String(n).padStart(2, "0");

/** ctime(3) in UTC without its newline: "Wed Jun 30 21:49:08 1993". */
function ctime(ms: number): string {
  const d = new Date(ms);
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** ls' date column: "Mmm dd hh:mm" for a time within six months (and not 15 minutes ahead), else "Mmm dd  yyyy". */
function lsDate(mtime: number, now: number, gnu: boolean): string {
  const age = Math.floor(now / 1000) - Math.floor(mtime / 1000);
  const c = ctime(mtime);
  // busybox: age < half a year and > -15 min; GNU: within six months back and not in the future
  const recent = gnu ? age >= 0 && age < 31556952 / 2 : age < (3600 * 24 * 365) / 2 && age > -15 * 60;
  return recent ? c.slice(4, 16) : `${c.slice(4, 11)} ${c.slice(20)}`;
}

interface Entry {
  name: string;
  abs: string;
  st: Inode;
}

interface LsOpts {
  long: boolean;
  all: boolean;
  almostAll: boolean;
  recursive: boolean;
  numeric: boolean;
  directory: boolean;
  /** -L: every link followed, the listing shows what it points to */
  deref: boolean;
}

/** One long-listing line per entry (busybox: fixed widths; GNU: columns as wide as their widest cell). */
function longLines(entries: readonly Entry[], sh: ShellState, o: LsOpts, names: Names): string[] {
  const gnu = sh.userland === "gnu";
  const now = sh.io.now();
  const rows = entries.map(({ name, st }) => {
    const user = o.numeric ? String(st.uid) : names.user(st.uid) ?? String(st.uid);
    const group = o.numeric ? String(st.gid) : names.group(st.gid) ?? String(st.gid);
    const size = st.rdev ? `${st.rdev[0]}, ${gnu ? st.rdev[1] : String(st.rdev[1]).padStart(3)}` : String(st.size);
    const link = st.type === "link" ? ` -> ${st.target}` : "";
    return { mode: modeString(st.type, st.mode), nlink: String(st.nlink), user, group, size, date: lsDate(st.mtime, now, gnu), name: name + link };
  });
  if (!gnu) {
    return rows.map((r) => {
      const ids = o.numeric ? `${r.user.padEnd(8)} ${r.group.padEnd(8)}` : `${r.user.slice(0, 8).padEnd(8)} ${r.group.slice(0, 8).padEnd(8)}`;
      const size = r.size.includes(",") ? `${r.size.split(",")[0]!.padStart(4)},${r.size.split(",")[1]!}` : r.size.padStart(9);
      return `${r.mode.padEnd(10)} ${r.nlink.padStart(4)} ${ids} ${size} ${r.date} ${r.name}`;
    });
  }
  const w = (k: "nlink" | "user" | "group" | "size") => Math.max(0, ...rows.map((r) => r[k].length));
  const [wn, wu, wg, ws] = [w("nlink"), w("user"), w("group"), w("size")];
  return rows.map((r) => `${r.mode} ${r.nlink.padStart(wn)} ${r.user.padEnd(wu)} ${r.group.padEnd(wg)} ${r.size.padStart(ws)} ${r.date} ${r.name}`);
}

/** A directory's entries as ls reads them (readdir's "." and ".." with -a, dotfiles with -a or -A), each lstat'ed. */
function readDir(sh: ShellState, dir: string, abs: string, o: LsOpts): Entry[] {
  const listed = sh.io.fs.list(abs);
  let names = Array.isArray(listed) ? listed : [];
  if (abs === "/dev") names = [...new Set([...names, ...devNodes.keys()])];
  if (o.all) names = [".", "..", ...names];
  else names = names.filter((n) => !n.startsWith(".") || (o.almostAll && n !== "." && n !== ".."));
  const out: Entry[] = [];
  for (const name of names.sort()) {
    const full = dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
    const st = inode(sh, resolvePath(sh.cwd, full), o.deref);
    if (!("error" in st)) out.push({ name, abs: resolvePath(sh.cwd, full), st });
  }
  return out;
}

/** ls' blocks line: the entries' 512-byte blocks in 1K units, rounded up. */
function total(entries: readonly Entry[]): string {
  return `total ${(1 + entries.reduce((n, e) => n + e.st.blocks, 0)) >> 1}\n`;
}

/**
 * ls [-1aAdlLnR] [FILE]...: operands that are no directories first (sorted), then each directory's
 * listing, under a `DIR:` header when there are several operands or -R (a blank line between
 * blocks), each with its `total` line when long. With -l a link operand is listed itself, without
 * it followed (so a link to a directory lists the directory).
 */
export function* ls(argv: string[], sh: ShellState, st: Streams, names: Names, errnoText: ErrnoText): Gen {
  const set = new Set<string>();
  const operands: string[] = [];
  let ended = false;
  for (const a of argv.slice(1)) {
    if (!ended && a === "--") { ended = true; continue; }
    if (!ended && /^-[A-Za-z0-9]/.test(a)) { for (const f of a.slice(1)) set.add(f); continue; }
    operands.push(a);
  }
  const o: LsOpts = { long: set.has("l") || set.has("n"), all: set.has("a"), almostAll: set.has("A"), recursive: set.has("R"), numeric: set.has("n"), directory: set.has("d"), deref: set.has("L") };
  const gnu = sh.userland === "gnu";
  const targets = operands.length ? operands : ["."];
  let status = 0;
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const t of targets) {
    const abs = resolvePath(sh.cwd, t);
    // a trailing slash makes the lookup follow a last link, as the kernel's does
    const got = inode(sh, abs, (!o.long && !o.directory) || t.endsWith("/") || o.deref);
    if ("error" in got) {
      status = gnu ? 2 : 1;
      st.err(gnu ? `ls: cannot access '${t}': ${errnoText(got.error)}\n` : `ls: ${t}: ${errnoText(got.error)}\n`);
      continue;
    }
    (got.type === "dir" && !o.directory ? dirs : files).push({ name: t, abs, st: got });
  }
  const n = names;
  const show = (entries: readonly Entry[]) => {
    if (entries.length === 0) return;
    st.out((o.long ? longLines(entries, sh, o, n) : entries.map((e) => e.name)).join("\n") + "\n");
  };
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  show(files);
  let first = files.length === 0;
  const headers = targets.length > 1 || o.recursive;
  const walk = (list: readonly Entry[]) => {
    for (const d of list) {
      if (headers) {
        st.out(`${first ? "" : "\n"}${d.name}:\n`);
      }
      first = false;
      const entries = readDir(sh, d.name, d.abs, o);
      if (o.long) st.out(total(entries));
      show(entries);
      if (!o.recursive) continue;
      const sub = entries.filter((e) => e.st.type === "dir" && e.name !== "." && e.name !== "..").map((e) => ({ ...e, name: d.name.endsWith("/") ? `${d.name}${e.name}` : `${d.name}/${e.name}` }));
      walk(sub);
    }
  };
  dirs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  walk(dirs);
  return status;
}

/** stat -c's directives (busybox and coreutils share these): one file's field each. */
function statField(c: string, file: string, s: Inode, names: Names): string | undefined {
  switch (c) {
    case "a": return (s.mode & 0o7777).toString(8);
    case "A": return modeString(s.type, s.mode);
    case "b": return String(s.blocks);
    case "B": return "512";
    case "F": return s.type === "dir" ? "directory" : s.type === "link" ? "symbolic link" : s.type === "char" ? "character special file" : s.size === 0 ? "regular empty file" : "regular file";
    case "g": return String(s.gid);
    case "G": return names.group(s.gid) ?? "UNKNOWN";
    case "h": return String(s.nlink);
    case "n": return file;
    case "N": return s.type === "link" ? `'${file}' -> '${s.target}'` : `'${file}'`;
    case "s": return String(s.size);
    case "u": return String(s.uid);
    case "U": return names.user(s.uid) ?? "UNKNOWN";
    case "x": case "y": case "z": {
      const d = new Date(s.mtime);
      return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String((s.mtime % 1000) * 1_000_000).padStart(9, "0")} +0000`;
    }
    case "X": case "Y": case "Z": return String(Math.floor(s.mtime / 1000));
    case "%": return "%";
    default: return undefined;
  }
}

/**
 * stat -c FORMAT / --format=FORMAT / --printf=FORMAT [-L] FILE...: each file's directives filled
 * in. The default (format-less) output names the device and inode, which this filesystem has not:
 * it is refused with the usage rather than invented.
 */
export function* stat(argv: string[], sh: ShellState, st: Streams, names: Names, errnoText: ErrnoText): Gen {
  let format: string | undefined;
  let newline = true;
  let follow = false;
  const files: string[] = [];
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-c") format = args[++i];
    else if (a.startsWith("--format=")) format = a.slice(9);
    else if (a.startsWith("--printf=")) { format = a.slice(9); newline = false; }
    else if (a === "-L" || a === "--dereference") follow = true;
    else if (a.startsWith("-c")) format = a.slice(2);
    else files.push(a);
  }
  const gnu = sh.userland === "gnu";
  if (format === undefined || files.length === 0) {
    st.err(gnu ? "stat: missing operand\nTry 'stat --help' for more information.\n" : "BusyBox v1.37.0 multi-call binary.\n\nUsage: stat [-ltf] [-c FMT] FILE...\n");
    return 1;
  }
  let status = 0;
  for (const f of files) {
    const s = inode(sh, resolvePath(sh.cwd, f), follow);
    if ("error" in s) {
      status = 1;
      st.err(gnu ? `stat: cannot statx '${f}': ${errnoText(s.error)}\n` : `stat: can't stat '${f}': ${errnoText(s.error)}\n`);
      continue;
    }
    const text = format.replace(/%(.)/g, (all, c: string) => statField(c, f, s, names) ?? all);
    st.out(newline ? `${text}\n` : text.replace(/\\n/g, "\n"));
  }
  return status;
}

/**
 * readlink [-f] FILE: a link's target as written; -f the path with every link followed (a missing
 * last component allowed). A file that is no link prints nothing and fails.
 */
export function* readlink(argv: string[], sh: ShellState, st: Streams): Gen {
  const canon = argv.slice(1).some((a) => /^-[a-zA-Z]*[fe]/.test(a));
  const files = argv.slice(1).filter((a) => !a.startsWith("-"));
  let status = 0;
  for (const f of files) {
    if (!canon) {
      const t = sh.io.fs.readlink(resolvePath(sh.cwd, f));
      if (typeof t === "string") st.out(`${t}\n`);
      else status = 1;
      continue;
    }
    const real = canonical(sh, resolvePath(sh.cwd, f));
    if (real === undefined) status = 1;
    else st.out(`${real}\n`);
  }
  return status;
}

/** realpath(3) over the whole tree (mounts included): each component's link replaced by its target, at most 40 of them. */
function canonical(sh: ShellState, abs: string): string | undefined {
  let pending = abs.split("/").filter((p) => p !== "");
  let done = "";
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") { done = done.slice(0, done.lastIndexOf("/")); continue; }
    const here = `${done}/${part}`;
    const t = sh.io.fs.readlink(here);
    if (typeof t !== "string") {
      if (!sh.io.fs.exists(here) && pending.length > 0) return undefined;
      done = here;
      continue;
    }
    if (++hops > 40) return undefined;
    pending = [...t.split("/").filter((p) => p !== ""), ...pending];
    if (t.startsWith("/")) done = "";
  }
  return done === "" ? "/" : done;
}
