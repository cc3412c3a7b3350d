// busybox's find and df: a walk of the container's tree with find's tests and actions, and the
// mounted filesystems' sizes as statfs(2) reports them, the mounts read from /proc/mounts.
import { resolvePath, type FsStat } from "./memfs.js";
import { perform, runArgv, type Gen, type ShellState, type Streams } from "./shell.js";
import type { SysinfoResult } from "./types.js";
import { mutant } from "../../common/mutation.js";

/** fnmatch(3) without flags, as find's -name and -path use it: * ? [...] (! or ^ negates) and \ escapes; a leading dot needs no dot. */
export function fnmatchRegex(pattern: string, nocase = false): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^]*";
    else if (c === "?") re += "[^]";
    else if (c === "\\" && i + 1 < pattern.length) re += literal(pattern[++i]!);
    else if (c === "[") {
      const end = pattern.indexOf("]", i + (pattern[i + 1] === "!" || pattern[i + 1] === "^" ? 3 : 2));
      if (end < 0) { re += "\\["; continue; }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else re += literal(c);
  }
  return new RegExp(`^${re}$`, nocase ? "i" : "");
}

const literal = (c: string) => c.replace(/[.+^${}()|[\]\\*?/]/g, "\\$&");

type Node =
  | { kind: "test"; run: (p: string, st: FsStat) => boolean }
  | { kind: "exec"; argv: string[]; batch: boolean }
  | { kind: "print"; end: string }
  | { kind: "not"; e: Node }
  | { kind: "and" | "or"; a: Node; b: Node };

interface Parsed {
  expr?: Node;
  /** an action was given: no implicit -print */
  acted: boolean;
  maxdepth: number;
  mindepth: number;
}

const typeLetters: Record<string, FsStat["type"]> = { f: "file", d: "dir", l: "link" };

/**
 * find's expression (findutils' grammar, busybox's parse_params): primaries joined by juxtaposition
 * or -a (and), -o (or, lower), ! or -not, and parentheses; -maxdepth and -mindepth are options.
 * An error is the message busybox dies with.
 */
function parseExpr(args: string[], uidOf: (name: string) => number | undefined, gidOf: (name: string) => number | undefined): Parsed | string {
  let i = 0;
  let acted = false;
  let maxdepth = Number.POSITIVE_INFINITY;
  let mindepth = 0;
  const need = (): string | undefined => args[++i];
  const primary = (): Node | string | undefined => {
    const a = args[i]!;
    switch (a) {
      case "(": {
        i++;
        const e = orExpr();
        if (typeof e === "string") return e;
        if (args[i] !== ")") return "unrecognized: (";
        i++;
        return e ?? { kind: "test", run: () => true };
      }
      case "!": case "-not": {
        i++;
        const e = primary();
        if (typeof e === "string" || e === undefined) return e ?? `unrecognized: ${a}`;
        return { kind: "not", e };
      }
      case "-print": i++; acted = true; return { kind: "print", end: "\n" };
      case "-print0": i++; acted = true; return { kind: "print", end: "\0" };
      case "-maxdepth": case "-mindepth": {
        const v = need();
        if (v === undefined || !/^\d+$/.test(v)) return v === undefined ? `${a} requires an argument` : `invalid number '${v}'`;
        if (a === "-maxdepth") maxdepth = Number(v); else mindepth = Number(v);
        i++;
        return { kind: "test", run: () => true };
      }
      case "-exec": {
        const argv: string[] = [];
        for (i++; i < args.length && args[i] !== ";" && !(args[i] === "+" && argv[argv.length - 1] === "{}"); i++) argv.push(args[i]!);
        if (i >= args.length || argv.length === 0) return "-exec CMD must end by ';' or '+'";
        const batch = args[i] === "+";
        i++;
        acted = true;
        return { kind: "exec", argv, batch };
      }
      case "-name": case "-iname": case "-path": case "-ipath": case "-type": case "-perm": case "-user": case "-group": {
        const v = need();
        if (v === undefined) return `${a} requires an argument`;
        i++;
        if (a === "-name" || a === "-iname") {
          const re = fnmatchRegex(v, a === "-iname");
          return { kind: "test", run: (p) => re.test(p === "/" ? "/" : p.replace(/\/+$/, "").slice(p.replace(/\/+$/, "").lastIndexOf("/") + 1)) };
        }
        if (a === "-path" || a === "-ipath") {
          const re = fnmatchRegex(v, a === "-ipath");
          return { kind: "test", run: (p) => re.test(p) };
        }
        if (a === "-type") {
          const t = Object.hasOwn(typeLetters, v) ? typeLetters[v] : undefined;
          if (t === undefined) return `unrecognized: ${v}`;
          return { kind: "test", run: (_p, st) => st.type === t };
        }
        if (a === "-perm") {
          const how = v[0] === "-" || v[0] === "/" || v[0] === "+" ? v[0] : "";
          const digits = v.slice(how.length);
          if (!/^[0-7]+$/.test(digits)) return `invalid mode '${v}'`;
          const mask = Number.parseInt(digits, 8);
          return { kind: "test", run: (_p, st) => (how === "-" || (how === "/" && mutant("busybox.find-perm-any-needs-all")) ? (st.mode & mask) === mask : how ? (st.mode & mask) !== 0 : (st.mode & 0o7777) === mask) };
        }
        const id = /^\d+$/.test(v) ? Number(v) : a === "-user" ? uidOf(v) : gidOf(v);
        if (id === undefined) return a === "-user" ? `unknown user '${v}'` : `unknown group '${v}'`;
        return { kind: "test", run: (_p, st) => (a === "-user" ? st.uid : st.gid) === id };
      }
      default:
        return undefined;
    }
  };
  const andExpr = (): Node | string | undefined => {
    let left: Node | undefined;
    while (i < args.length && args[i] !== "-o" && args[i] !== "-or" && args[i] !== ")") {
      if (args[i] === "-a" || args[i] === "-and") { i++; continue; }
      const at = args[i]!;
      const p = primary();
      if (typeof p === "string") return p;
      if (p === undefined) return `unrecognized: ${at}`;
      left = left === undefined ? p : { kind: "and", a: left, b: p };
    }
    return left;
  };
  const orExpr = (): Node | string | undefined => {
    let left = andExpr();
    while (typeof left !== "string" && (args[i] === "-o" || args[i] === "-or")) {
      i++;
      const right = andExpr();
      if (typeof right === "string") return right;
      if (left === undefined || right === undefined) return "unrecognized: -o";
      left = { kind: "or", a: left, b: right };
    }
    return left;
  };
  const expr = orExpr();
  if (typeof expr === "string") return expr;
  if (i < args.length) return `unrecognized: ${args[i]}`;
  return { ...(expr ? { expr } : {}), acted, maxdepth, mindepth };
}

/**
 * busybox find [-HL] [PATH]... [EXPRESSION] (findutils/find.c): walks each PATH (default .)
 * depth-first, directories before their entries and links not followed, printing the paths the
 * expression holds for (-print when it has no action). -exec runs CMD with every {} replaced by
 * the path (true when it exits 0); `+` runs it once with all of them at the end.
 */
export function* find(argv: string[], sh: ShellState, st: Streams, ids: { uid: (n: string) => number | undefined; gid: (n: string) => number | undefined }): Gen {
  let k = 1;
  while (argv[k] === "-H" || argv[k] === "-L") k++;
  const paths: string[] = [];
  for (; k < argv.length && !argv[k]!.startsWith("-") && argv[k] !== "!" && argv[k] !== "("; k++) paths.push(argv[k]!);
  const result = parseExpr(argv.slice(k), ids.uid, ids.gid);
  if (typeof result === "string") { st.err(`find: ${result}\n`); return 1; }
  const parsed: Parsed = result;
  let status = 0;
  let out = "";
  const batches = new Map<Node, string[]>();
  function* evaluate(e: Node, p: string, s: FsStat): Generator<import("./types.js").Effect, boolean, import("./types.js").EffectResult> {
    switch (e.kind) {
      case "test": return e.run(p, s);
      case "print": out += p + e.end; return true;
      case "not": return !(yield* evaluate(e.e, p, s));
      case "and": return (yield* evaluate(e.a, p, s)) && (yield* evaluate(e.b, p, s));
      case "or": return (yield* evaluate(e.a, p, s)) || (yield* evaluate(e.b, p, s));
      case "exec": {
        if (e.batch) {
          const list = batches.get(e) ?? [];
          batches.set(e, [...list, p]);
          return true;
        }
        st.out(out);
        out = "";
        return (yield* runArgv(e.argv.map((a) => a.replaceAll("{}", p)), sh, st)) === 0;
      }
    }
  }
  function* walk(p: string, depth: number): Gen {
    const s = sh.io.fs.stat(resolvePath(sh.cwd, p), false);
    if ("error" in s) { st.err(`find: ${p}: No such file or directory\n`); status = 1; return 0; }
    if (depth >= parsed.mindepth + (mutant("busybox.find-mindepth-off-by-one") ? 1 : 0)) {
      const hit = parsed.expr === undefined ? true : yield* evaluate(parsed.expr, p, s);
      if (hit && !parsed.acted) out += `${p}\n`;
    }
    if (s.type === "dir" && depth < parsed.maxdepth) {
      const names = sh.io.fs.list(resolvePath(sh.cwd, p));
      if (!Array.isArray(names)) { st.err(`find: ${p}: Permission denied\n`); status = 1; return 0; }
      for (const n of names) yield* walk(p.endsWith("/") ? `${p}${n}` : `${p}/${n}`, depth + 1);
    }
    return 0;
  }
  for (const p of paths.length > 0 ? paths : ["."]) yield* walk(p, 0);
  st.out(out);
  for (const [e, list] of batches) {
    if (e.kind !== "exec") continue;
    const at = e.argv.indexOf("{}");
    if ((yield* runArgv([...e.argv.slice(0, at), ...list, ...e.argv.slice(at + 1)], sh, st)) !== 0) status = 1;
  }
  return status;
}

/** One line of /proc/mounts: device, mount point, type, options. */
interface MountEntry {
  readonly device: string;
  readonly at: string;
  readonly type: string;
  readonly options: readonly string[];
}

/** getmntent over /proc/mounts' text (the octal escapes of spaces are left as they are). */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 4) continue;
    out.push({ device: f[0]!, at: f[1]!, type: f[2]!, options: f[3]!.split(",") });
  }
  return out;
}

/** statfs(2) in 4 KiB blocks: the size, the free blocks and those an unprivileged writer may take. */
interface Statfs {
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
}

const blockSize = 4096;

/** Bytes the files under `at` take in 4 KiB pages, mounts below it (others) left out: what a tmpfs holds. */
function pagesUnder(sh: ShellState, at: string, others: ReadonlySet<string>): number {
  let pages = 0;
  const walk = (p: string) => {
    if (p !== at && others.has(p)) return;
    const s = sh.io.fs.stat(p, false);
    if ("error" in s) return;
    if (s.type === "file") pages += Math.ceil(s.size / blockSize);
    if (s.type !== "dir") return;
    const names = sh.io.fs.list(p);
    if (Array.isArray(names)) for (const n of names) walk(p === "/" ? `/${n}` : `${p}/${n}`);
  };
  walk(at);
  return pages;
}

/**
 * What statfs(2) answers for a mount: a tmpfs its size= (the kernel's default half the RAM) and the
 * pages its files take; a filesystem of the node's disk (overlay, ext4) the disk's blocks, those the
 * pulled images take, and ext4's 5% reserved for root kept from the available; proc, sysfs,
 * cgroup2, devpts and mqueue have no blocks.
 */
function statfsOf(m: MountEntry, sh: ShellState, node: SysinfoResult, mounts: readonly MountEntry[]): Statfs {
  if (m.type === "tmpfs") {
    const size = m.options.find((o) => o.startsWith("size="));
    const kib = size ? Number.parseInt(size.slice(5), 10) : Math.floor(node.memTotalBytes / 2 / 1024);
    const blocks = Math.floor((kib * 1024) / blockSize);
    const used = Math.min(blocks, pagesUnder(sh, m.at, new Set(mounts.map((x) => x.at))));
    return { blocks, bfree: blocks - used, bavail: blocks - used };
  }
  if (m.type === "overlay" || m.type === "ext4") {
    const blocks = Math.floor((node.diskBytes ?? 0) / blockSize);
    const used = Math.ceil((node.diskUsedBytes ?? 0) / blockSize);
    return { blocks, bfree: blocks - used, bavail: Math.max(0, blocks - used - (mutant("busybox.df-reserved-blocks-available") ? 0 : Math.floor(blocks / 20))) };
  }
  return { blocks: 0, bfree: 0, bavail: 0 };
}

/** make_human_readable_str(val, block_size, display_unit): a fixed unit rounded, or 0 for the unit that fits with one decimal. */
function humanSize(blocks: number, unit: number): string {
  if (blocks === 0) return "0";
  return unit !== 0 ? String(Math.floor((blocks * blockSize + unit / 2) / unit)) : humanReadable(blocks * blockSize);
}

/** libbb's make_human_readable_str(val, block_size, 0): powers of 1024 with one decimal (4.0K, 1.0M), plain below 1024. */
export function humanReadable(val: number, blockSize = 1): string {
  if (val === 0) return "0";
  let v = blockSize > 1 ? val * blockSize : val;
  let frac = 0;
  let u = 0;
  while (v >= 1024) {
    u++;
    frac = Math.floor(((v % 1024) * 10 + 512) / 1024);
    v = Math.floor(v / 1024);
  }
  if (frac >= 10) { v++; frac = 0; }
  return u === 0 ? String(v) : `${v}.${frac}${" KMGTPEZY"[u]}`;
}

/**
 * busybox df [-PkmhTa] [FILESYSTEM]... (coreutils/df.c): each mount of /proc/mounts with blocks
 * (all with -a), or the one holding each FILESYSTEM: the device (%-20s), with -T its type, the
 * size, used and available (1K blocks, 1M with -m, the unit that fits with -h), the use rounded
 * up from used/(used+available), and the mount point.
 */
export function* df(argv: string[], sh: ShellState, st: Streams): Gen {
  const opts = new Set<string>();
  const operands: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^-[PkmhTaB]+$/.test(a)) for (const c of a.slice(1)) opts.add(c);
    else if (a.startsWith("-") && a !== "-") {
      st.err(`df: unrecognized option '${a}'\nBusyBox v1.37.0 multi-call binary.\n\nUsage: df [-PkmhT] [-t TYPE] [FILESYSTEM]...\n\nPrint filesystem usage statistics\n\n\t-P\tPOSIX output format\n\t-k\t1024-byte blocks (default)\n\t-m\t1M-byte blocks\n\t-h\tHuman readable (e.g. 1K 243M 2G)\n\t-T\tPrint filesystem type\n\t-t TYPE\tPrint only mounts of this type\n\t-a\tShow all filesystems\n`);
      return 1;
    } else operands.push(a);
  }
  const text = sh.io.fs.read("/proc/mounts");
  if (typeof text !== "string") { st.err("df: /proc/mounts: No such file or directory\n"); return 1; }
  const mounts = parseMounts(text);
  const node = (yield* perform(sh, { type: "sysinfo" })) as SysinfoResult;
  const unit = opts.has("h") ? 0 : opts.has("m") ? 1024 * 1024 : 1024;
  const header = opts.has("h") ? "     Size" : opts.has("m") ? "1M-blocks" : "1K-blocks";
  let out = `Filesystem           ${opts.has("T") ? "Type       " : ""}${header.padEnd(15)}Used Available ${opts.has("P") ? "Capacity" : "Use%"} Mounted on\n`;
  let status = 0;
  const chosen: MountEntry[] = [];
  if (operands.length === 0) chosen.push(...mounts);
  for (const o of operands) {
    const p = resolvePath(sh.cwd, o);
    if (!sh.io.fs.exists(p)) { st.err(`df: ${o}: can't find mount point\n`); status = 1; continue; }
    // find_mount_point: the longest mount point above the path (the last mounted over it wins)
    let best: MountEntry | undefined;
    for (const m of mounts) if ((p === m.at || p.startsWith(m.at === "/" ? "/" : `${m.at}/`)) && (best === undefined || m.at.length >= best.at.length)) best = m;
    if (best) chosen.push(best);
  }
  for (const m of chosen) {
    const s = statfsOf(m, sh, node, mounts);
    if (s.blocks === 0 && operands.length === 0 && !opts.has("a")) continue;
    const used = s.blocks - s.bfree;
    const percent = used + s.bavail > 0 ? Math.floor((used * 100 + (mutant("busybox.df-percent-truncated") ? 0 : Math.floor((used + s.bavail) / 2))) / (used + s.bavail)) : 0;
    const device = m.device.length > 20 && !opts.has("P") ? `${m.device}\n${"".padEnd(20)}` : m.device.padEnd(20);
    out += `${device}${opts.has("T") ? ` ${m.type.padEnd(10)}` : ""} ${humanSize(s.blocks, unit).padStart(9)} ${humanSize(used, unit).padStart(9)} ${humanSize(s.bavail, unit).padStart(9)} ${String(percent).padStart(3)}% ${m.at}\n`;
  }
  st.out(out);
  return status;
}
