// tar, as `kubectl cp` runs it in a container: `tar cf - PATH` writes an archive to stdout and
// `tar -xmf - -C DIR` unpacks stdin. Files are text (UTF-8), as everything in the simulated
// filesystem is: the archive is a string whose UTF-8 encoding is a POSIX ustar archive, headers
// ASCII, sizes counted in UTF-8 bytes.

import { resolvePath } from "./memfs.js";
import { utf8Length } from "../../common/bytes.js";
import type { Gen, ShellState, Streams } from "./shell.js";

const block = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function field(s: string, width: number): string {
  return s.slice(0, width).padEnd(width, "\0");
}

/** One ustar header (a name longer than 100 bytes goes into the prefix, split at a slash). */
export function tarHeader(entry: { name: string; size: number; dir: boolean; mtimeSeconds: number }): string {
  let name = entry.name;
  let prefix = "";
  if (name.length > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut > 0 && name.length - cut - 1 <= 100) {
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
  }
  const head =
    field(name, 100) + octal(entry.dir ? 0o755 : 0o644, 8) + octal(0, 8) + octal(0, 8) + octal(entry.size, 12) + octal(entry.mtimeSeconds, 12);
  const tail = (entry.dir ? "5" : "0") + field("", 100) + "ustar\0" + "00" + field("root", 32) + field("root", 32) + octal(0, 8) + octal(0, 8) + field(prefix, 155) + field("", 12);
  let sum = 0;
  for (const ch of head + "        " + tail) sum += ch.charCodeAt(0);
  return head + octal(sum, 7) + " " + tail;
}

/** A fatal error's exit status: GNU tar's TAREXIT_FAILURE is 2; busybox dies with xfunc_error_retval, 1. */
function fatal(sh: ShellState): number {
  return sh.userland === "gnu" ? 2 : 1;
}

function padding(size: number): string {
  return "\0".repeat((block - (size % block)) % block);
}

/** An archive of the files and directories under `paths` (each as given, without a leading "/"). */
export function createArchive(sh: ShellState, paths: string[], st: Streams): { archive: string; status: number } {
  let out = "";
  let status = 0;
  const mtime = Math.floor(sh.io.now() / 1000);
  let warned = false;
  // busybox strips the leading "/" as it writes an entry's header (after the stat), so a path that
  // is not there is reported without the warning; GNU tar warns as it reads the name
  const stripped = (given: string) => {
    if (warned || !given.startsWith("/") || sh.userland === "gnu") return;
    st.err("tar: removing leading '/' from member names\n");
    warned = true;
  };
  const add = (abs: string, name: string, given: string) => {
    const fs = sh.io.fs;
    if (fs.isDir(abs)) {
      stripped(given);
      out += tarHeader({ name: name.endsWith("/") ? name : `${name}/`, size: 0, dir: true, mtimeSeconds: mtime });
      const names = fs.list(abs);
      if (Array.isArray(names)) for (const n of names) add(`${abs === "/" ? "" : abs}/${n}`, `${name.replace(/\/$/, "")}/${n}`, `${given.replace(/\/$/, "")}/${n}`);
      return;
    }
    const data = fs.read(abs);
    if (typeof data !== "string") {
      st.err(sh.userland === "gnu" ? `tar: ${given}: Cannot stat: No such file or directory\n` : `tar: ${given}: No such file or directory\n`);
      status = sh.userland === "gnu" ? 2 : 1;
      return;
    }
    const size = utf8Length(data);
    stripped(given);
    out += tarHeader({ name, size, dir: false, mtimeSeconds: mtime }) + data + padding(size);
  };
  for (const p of paths) {
    let name = p;
    if (name.startsWith("/")) {
      if (!warned && sh.userland === "gnu") {
        st.err("tar: Removing leading `/' from member names\n");
        warned = true;
      }
      name = name.replace(/^\/+/, "");
    }
    if (name === "") name = "./";
    add(resolvePath(sh.cwd, p), name, p);
  }
  if (status !== 0) st.err(sh.userland === "gnu" ? "tar: Exiting with failure status due to previous errors\n" : "tar: error exit delayed from previous errors\n");
  // two zero blocks end the archive; GNU tar pads it to its 10 KiB record
  out += "\0".repeat(2 * block);
  if (sh.userland === "gnu") {
    const rem = utf8Length(out) % 10240;
    if (rem > 0) out += "\0".repeat(10240 - rem);
  }
  return { archive: out, status };
}

/** The entries of an archive (ustar, GNU long names and PAX path records), or the reason it cannot be read. */
export function readArchive(text: string): { entries: { name: string; dir: boolean; data: string }[] } | { error: string } {
  const bytes = encoder.encode(text);
  const entries: { name: string; dir: boolean; data: string }[] = [];
  let longName: string | undefined;
  for (let off = 0; off + block <= bytes.length; ) {
    const h = bytes.subarray(off, off + block);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, n: number) => decoder.decode(h.subarray(a, a + n)).replace(/\0.*$/s, "");
    const size = parseInt(str(124, 12).trim() || "0", 8);
    let sum = 0;
    for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (!Number.isFinite(size) || size < 0 || parseInt(str(148, 8).trim(), 8) !== sum) return { error: "invalid tar header checksum" };
    const type = String.fromCharCode(h[156]!);
    const dataStart = off + block;
    if (dataStart + size > bytes.length) return { error: "short read" };
    const data = decoder.decode(bytes.subarray(dataStart, dataStart + size));
    off = dataStart + Math.ceil(size / block) * block;
    if (type === "L") { longName = data.replace(/\0.*$/s, ""); continue; }
    if (type === "x") {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data);
      if (m) longName = m[1]!;
      continue;
    }
    if (type === "g") continue;
    const prefix = str(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    longName = undefined;
    if (type === "5") entries.push({ name, dir: true, data: "" });
    else if (type === "0" || type === "\0" || type === "7") entries.push({ name, dir: false, data });
    // links, devices and fifos have no place in the simulated filesystem: skipped
  }
  return { entries };
}

/** Unpacks entries under dir; a name climbing out of it with ".." stays inside, as tar refuses to leave. */
function extract(sh: ShellState, entries: { name: string; dir: boolean; data: string }[], dir: string, st: Streams): number {
  const base = resolvePath(sh.cwd, dir);
  let status = 0;
  for (const e of entries) {
    const rel = e.name.split("/").filter((p) => p !== "" && p !== "." && p !== "..").join("/");
    if (rel === "") continue;
    const target = resolvePath(base, rel);
    const fs = sh.io.fs;
    const parent = target.slice(0, target.lastIndexOf("/")) || "/";
    if (!fs.isDir(parent)) fs.mkdir(parent, true);
    const err = e.dir ? (fs.isDir(target) ? undefined : fs.mkdir(target, true)) : fs.write(target, e.data);
    if (err) {
      st.err(`tar: ${e.name}: Cannot open: ${err === "EISDIR" ? "Is a directory" : err === "ENOTDIR" ? "Not a directory" : "No such file or directory"}\n`);
      status = 2;
    }
  }
  return status;
}

/** tar with c (create) or x (extract), f - (stdin/stdout only), -C DIR, and the accepted no-op flags (m, v, o, p, z is refused). */
export function* tar(argv: string[], sh: ShellState, st: Streams): Gen {
  const args = argv.slice(1);
  let mode: "c" | "x" | "t" | undefined;
  let file: string | undefined;
  let dir = ".";
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-C" || a === "--directory") { dir = args[++i] ?? "."; continue; }
    if (a.startsWith("--")) continue; // --no-same-permissions, --no-same-owner: ownership is not modelled
    // the first word may be a bundle of letters without a dash (tar cf -)
    if (a.startsWith("-") || (i === 0 && /^[a-zA-Z]+$/.test(a))) {
      const letters = a.replace(/^-/, "");
      for (let j = 0; j < letters.length; j++) {
        const f = letters[j]!;
        if (f === "c" || f === "x" || f === "t") mode = f;
        else if (f === "f") { file = letters.slice(j + 1) || args[++i]; break; }
        else if (f === "C") { dir = letters.slice(j + 1) || (args[++i] ?? "."); break; }
        else if (f === "z" || f === "j") { st.err("tar: compression is not supported by podflow's tar\n"); return 2; }
      }
      continue;
    }
    operands.push(a);
  }
  if (!mode) { st.err(sh.userland === "gnu" ? "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n" : "tar: need at least one option\n"); return 2; }
  if (file !== undefined && file !== "-") { st.err(`tar: ${file}: archives in files are not supported by podflow's tar: use -f -\n`); return 2; }
  const noDir = () => {
    st.err(sh.userland === "gnu" ? `tar: ${dir}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n` : `tar: can't change directory to '${dir}': No such file or directory\n`);
    return fatal(sh);
  };
  if (mode === "c" && operands.length === 0) { st.err(sh.userland === "gnu" ? "tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\n" : "tar: empty archive\n"); return fatal(sh); }
  // busybox changes to -C's directory before it reads or writes an archive; GNU tar as it extracts
  if (sh.userland !== "gnu" && !sh.io.fs.isDir(resolvePath(sh.cwd, dir))) return noDir();
  if (mode === "c") {
    const saved = sh.cwd;
    sh.cwd = resolvePath(sh.cwd, dir);
    try {
      const r = createArchive(sh, operands, st);
      st.out(r.archive);
      return r.status;
    } finally {
      sh.cwd = saved;
    }
  }
  const read = readArchive(st.stdin);
  if ("error" in read) {
    st.err(sh.userland === "gnu" ? "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n" : "tar: invalid tar magic\n");
    return fatal(sh);
  }
  if (mode === "t") {
    st.out(read.entries.map((e) => `${e.name}\n`).join(""));
    return 0;
  }
  if (!sh.io.fs.isDir(resolvePath(sh.cwd, dir))) return noDir();
  return extract(sh, read.entries, dir, st);
}
