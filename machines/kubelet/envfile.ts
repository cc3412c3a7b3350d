// EnvFiles (KEP-3721): a fileKeyRef variable's value, read from a file of one of the pod's
// volumes as pkg/kubelet/util/env ParseEnv and makeEnvironmentVariables read it (v1.35).

import type { EnvVar } from "kubernetes-types/core/v1";
import type { EnvFileRead } from "../cri/messages.js";
import { mutant } from "../common/mutation.js";

/** core/v1 FileKeySelector (EnvFiles), which kubernetes-types does not have yet. */
export interface FileKeySelector {
  volumeName?: string;
  path?: string;
  key?: string;
  /** defaulted to false by the API server */
  optional?: boolean;
}

/** An env var's valueFrom.fileKeyRef, if it has one. */
export function fileKeyRefOf(e: EnvVar): FileKeySelector | undefined {
  return (e.valueFrom as { fileKeyRef?: FileKeySelector } | undefined)?.fileKeyRef;
}

/** The files a container's fileKeyRef variables name, each (volume, path) once, in spec order. */
export function envFileRefs(env: readonly EnvVar[] | undefined): Array<{ volume: string; path: string }> {
  const out: Array<{ volume: string; path: string }> = [];
  for (const e of env ?? []) {
    const f = fileKeyRefOf(e);
    if (!f) continue;
    const ref = { volume: f.volumeName ?? "", path: f.path ?? "" };
    if (!out.some((r) => r.volume === ref.volume && r.path === ref.path)) out.push(ref);
  }
  return out;
}

// bufio.Scanner's default MaxScanTokenSize: a longer line stops the scan with ErrTooLong.
const maxScanTokenBytes = 64 * 1024;

/** bufio.Scanner with ScanLines over the file: each line without "\n" (and a trailing "\r"); tooLong once a line did not fit. */
class LineScanner {
  private at = 0;
  tooLong = false;
  constructor(private readonly content: string) {}

  next(): string | undefined {
    const { content } = this;
    if (this.tooLong || this.at >= content.length) return undefined;
    const nl = content.indexOf("\n", this.at);
    const end = nl < 0 ? content.length : nl;
    // the buffer holds the line and its newline: a line of 64 KiB (bytes) or more never fits
    if (end - this.at >= maxScanTokenBytes / 3 && new TextEncoder().encode(content.slice(this.at, end)).length >= maxScanTokenBytes) {
      this.tooLong = true;
      return undefined;
    }
    const line = content.slice(this.at, end);
    this.at = end + 1;
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  }
}

const trimLeftBlank = (s: string) => s.replace(/^[ \t]+/, "");

/**
 * ParseEnv: the value of key in an env file, "" when the file does not set it, or the parse error.
 * Values are single-quoted, taken literally and may span lines; `#` starts a comment line and may
 * follow the closing quote; whitespace before `=` is an error, whitespace after it makes the value
 * empty (as bash reads `K= 'v'`). The first assignment of the key wins: the scan stops there.
 */
export function parseEnv(content: string, key: string): { value: string } | { error: string } {
  const lines = new LineScanner(content);
  let lineNum = 0;
  let found: string | undefined;
  for (let next = lines.next(); next !== undefined; next = lines.next()) {
    lineNum++;
    const line = trimLeftBlank(next);
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) return { error: `invalid environment variable format at line ${lineNum}: missing '='` };
    const namePart = line.slice(0, eq);
    const name = namePart.replace(/[ \t]+$/, "");
    if (name === "") return { error: `invalid environment variable format at line ${lineNum}: empty variable name` };
    if (name !== namePart) return { error: `invalid environment variable format at line ${lineNum}: whitespace before '=' is not allowed` };
    const valuePart = line.slice(eq + 1);
    const value = trimLeftBlank(valuePart);
    if (value !== valuePart) {
      if (name === key) return { value: "" };
      continue;
    }
    if (!value.startsWith("'")) return { error: `invalid environment variable format at line ${lineNum}: value must be enclosed in single quotes` };
    let rest = value.slice(1);
    let text = "";
    const start = lineNum;
    for (;;) {
      const close = rest.indexOf("'");
      if (close >= 0) {
        text += rest.slice(0, close);
        const after = trimLeftBlank(rest.slice(close + 1));
        if (after !== "" && !after.startsWith("#")) return { error: `invalid environment variable format at line ${lineNum}: unexpected content after closing quote` };
        // the mutant reads on past the key's first assignment: a later one wins
        if (name === key && !mutant("kubelet.envfile-last-assignment-wins")) return { value: text };
        if (name === key) found = text;
        break;
      }
      text += `${rest}\n`;
      const more = lines.next();
      if (more === undefined) return { error: `invalid environment variable format starting at line ${start}: unclosed single quote` };
      lineNum++;
      rest = more;
    }
  }
  return lines.tooLong ? { error: "bufio.Scanner: token too long" } : { value: found ?? "" };
}

/** Go's %q for the printable text of keys and paths. */
function goQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")}"`;
}

/** The emptyDir's directory on the node: the kubelet's pods dir, the plugin kubernetes.io/empty-dir escaped. */
export function emptyDirHostPath(podUid: string, volume: string): string {
  return `/var/lib/kubelet/pods/${podUid}/volumes/kubernetes.io~empty-dir/${volume}`;
}

/** securejoin.SecureJoin(root, path) for a volume without symlinks: the path cleaned, never above root. */
export function secureJoin(root: string, path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return parts.length === 0 ? root : `${root}/${parts.join("/")}`;
}

/**
 * One fileKeyRef variable as makeEnvironmentVariables resolves it: its value, skip (an optional key
 * the file does not set), or the error that fails the container's configuration. An empty value
 * counts as not set. A file that cannot be read or parsed is "couldn't parse env file" whatever
 * optional says (the parse error itself only goes to the kubelet's log).
 */
export function fileKeyValue(
  ref: FileKeySelector,
  read: EnvFileRead | undefined,
  podUid: string,
): { value: string } | { skip: true } | { error: string } {
  const volume = ref.volumeName ?? "";
  if (read === undefined || "error" in read && read.error === "noVolume") return { error: `cannot find the volume ${goQuote(volume)} referenced by FileKeyRef` };
  if ("error" in read) return { error: "couldn't parse env file" };
  const parsed = parseEnv(read.content, ref.key ?? "");
  if ("error" in parsed) return { error: "couldn't parse env file" };
  if (parsed.value !== "") return parsed;
  if (ref.optional === true) return { skip: true };
  const file = secureJoin(emptyDirHostPath(podUid, volume), ref.path ?? "");
  return { error: `environment variable key ${goQuote(ref.key ?? "")} not found in file ${goQuote(file)}` };
}
