// busybox sysctl [-enqwpaA] [KEY[=VALUE]]... (procps/sysctl.c): reads and writes the files under
// /proc/sys, a key's dots turned into the fewest slashes that name an existing file, or its dots
// and slashes swapped when a '/' stands for a dot of one component (net.ipv4.conf.eno2/100.rp_filter).
import { errnoText } from "./commands.js";
import { parseMounts } from "./fsapplets.js";
import { resolvePath } from "./memfs.js";
import type { Gen, ShellState, Streams } from "./shell.js";

const root = "/proc/sys";
const usage = "BusyBox v1.37.0 multi-call binary.\n\nUsage: sysctl [-enq] { -a | -p [FILE]... | [-w] [KEY[=VALUE]]... }\n\nShow/set kernel parameters\n\n\t-e\tDon't warn about unknown keys\n\t-n\tDon't show key names\n\t-q      Quiet\n\t-a\tShow all values\n\t-p\tSet values from FILEs (default /etc/sysctl.conf)\n\t-w\tSet values\n";

interface Opts {
  keys: boolean;
  keyErrors: boolean;
  write: boolean;
  quiet: boolean;
}

const swapDotsSlashes = (s: string) => s.replace(/[./]/g, (ch) => (ch === "." ? "/" : "."));

/**
 * sysctl_dots_to_slashes over the key (before any '='): dots and slashes swapped when a dot comes
 * before the first slash, else from the end each '.' whose prefix exists becomes '/', never before
 * the last one replaced.
 */
function dotsToSlashes(sh: ShellState, setting: string): string {
  const eq = setting.indexOf("=");
  const end = eq < 0 ? setting.length : eq;
  const name = setting.slice(0, end);
  const slash = name.indexOf("/");
  const dot = name.indexOf(".");
  if (slash >= 0 && dot >= 0 && dot < slash) return swapDotsSlashes(name) + setting.slice(end);
  const chars = [...name, "."];
  let lastGood = -1;
  for (let i = end; i > lastGood; i--) {
    if (chars[i] !== "." || !sh.io.fs.exists(resolvePath(root, chars.slice(0, i).join("")))) continue;
    if (i !== end) chars[i] = "/";
    lastGood = i;
    i = end + 1;
  }
  return chars.slice(0, end).join("") + setting.slice(end);
}

/** Whether /proc/sys is mounted writable: runc mounts it read-only in a container that is not privileged. */
function procSysWritable(sh: ShellState): boolean {
  const text = sh.io.fs.read("/proc/mounts");
  if (typeof text !== "string") return true;
  const over = parseMounts(text).filter((m) => m.at === root || m.at === "/proc" || m.at === "/");
  return !(over.at(-1)?.options.includes("ro") ?? false);
}

/** sysctl_act_on_setting: one key read (each line of its value after "key = ") or, with -w or a '=', written. */
function actOnSetting(sh: ShellState, st: Streams, o: Opts, setting: string): number {
  let outname = swapDotsSlashes(setting);
  let file = setting;
  let value = "";
  const eq = setting.indexOf("=");
  const writing = o.write || eq >= 0;
  if (writing) {
    if (eq < 0) { st.err(`sysctl: error: '${outname}' must be of the form name=value\n`); return 1; }
    if (eq === 0) { st.err(`sysctl: error: malformed setting '${outname}'\n`); return 1; }
    // an empty value is a setting too (it clears ip_local_reserved_ports)
    value = setting.slice(eq + 1);
    file = setting.slice(0, eq);
    outname = outname.slice(0, eq);
  }
  const at = resolvePath(root, file);
  if (!sh.io.fs.exists(at)) {
    if (o.keyErrors) st.err(`sysctl: error: '${outname}' is an unknown key\n`);
    return 1;
  }
  if (writing) {
    // busybox writes the bare value; the kernel keeps what it parsed and reads it back with a newline
    const err = procSysWritable(sh) ? sh.io.fs.write(at, value.endsWith("\n") ? value : `${value}\n`) : "EROFS";
    if (err !== undefined) { st.err(`sysctl: error setting key '${outname}': ${errnoText[err]}\n`); return 1; }
    if (!o.quiet) st.out(`${o.keys ? `${outname} = ` : ""}${value}\n`);
    return 0;
  }
  const text = sh.io.fs.read(at);
  // a write-only setting (EACCES) is passed over in silence
  if (typeof text !== "string") { if (text.error !== "EACCES") st.err(`sysctl: error reading key '${outname}': ${errnoText[text.error]}\n`); return 1; }
  // a multi-line value gets the key before each of its lines
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) st.out(`${o.keys ? `${outname} = ` : ""}${line}`);
  return 0;
}

/** sysctl_act_recursive: a directory's entries in turn (when reading), else the setting itself. */
function actRecursive(sh: ShellState, st: Streams, o: Opts, rel: string): number {
  const at = resolvePath(root, rel);
  if (!o.write && !rel.includes("=") && sh.io.fs.isDir(at)) {
    const names = sh.io.fs.list(at);
    if (!Array.isArray(names)) return 1;
    let status = 0;
    for (const n of names) status |= actRecursive(sh, st, o, rel === "." ? n : `${rel}/${n}`);
    return status;
  }
  return actOnSetting(sh, st, o, rel);
}

/**
 * sysctl_handle_preload_file: each "key = value" line of the file set, both trimmed (a line whose
 * first non-blank is '#' or ';' is a comment; one without '=' is a bad line, reported and passed).
 */
function preloadFile(sh: ShellState, st: Streams, o: Opts, file: string): void {
  const text = sh.io.fs.read(resolvePath(sh.cwd, file));
  if (typeof text !== "string") { st.err(`sysctl: can't open '${file}': ${errnoText[text.error]}\n`); return; }
  text.split("\n").forEach((raw, n) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const eq = line.indexOf("=");
    if (eq < 0) { st.err(`sysctl: bad line ${n + 1}: 1 tokens found, 2 needed\n`); return; }
    actOnSetting(sh, st, o, `${dotsToSlashes(sh, line.slice(0, eq).trim())}=${line.slice(eq + 1).trim()}`);
  });
}

export function* sysctl(argv: string[], sh: ShellState, st: Streams): Gen {
  const o: Opts = { keys: true, keyErrors: true, write: false, quiet: false };
  let all = false;
  let preload = false;
  let i = 1;
  // getopt32 "+neAapwq": the options stop at the first operand
  for (; i < argv.length && argv[i]!.startsWith("-") && argv[i] !== "-"; i++) {
    if (argv[i] === "--") { i++; break; }
    for (const ch of argv[i]!.slice(1)) {
      if (ch === "n") o.keys = false;
      else if (ch === "e") o.keyErrors = false;
      else if (ch === "a" || ch === "A") all = true;
      else if (ch === "w") o.write = true;
      else if (ch === "q") o.quiet = true;
      else if (ch === "p") preload = true;
      else { st.err(`sysctl: invalid option -- '${ch}'\n${usage}`); return 1; }
    }
  }
  if (preload) {
    // procps-ng does not flag a bad file or line in its status, nor does busybox
    for (const file of argv.length > i ? argv.slice(i) : ["/etc/sysctl.conf"]) preloadFile(sh, st, { ...o, write: true }, file);
    return 0;
  }
  if (!sh.io.fs.isDir(root)) { st.err(`sysctl: can't change directory to '${root}': ${errnoText.ENOENT}\n`); return 1; }
  if (all) return actRecursive(sh, st, o, ".");
  let status = 0;
  for (const key of argv.slice(i)) status |= actRecursive(sh, st, o, dotsToSlashes(sh, key));
  return status;
}
