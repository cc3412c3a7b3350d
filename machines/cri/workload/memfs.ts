// A per-container in-memory filesystem. Its content is a value (FsTree: persistent maps, a write
// copies only the path it changes), so a runtime can keep it in a context, share it between
// snapshots and record it in a process's history. A MemFS is a handle that reads and replaces
// trees through slots; emptyDir volumes are handles mounted at a path, so two containers mounting
// the same volume see each other's files.

import { Map as IMap } from "immutable";

/** Errors as errno names, so callers can word them as their program would. */
export type FsError = "ENOENT" | "EEXIST" | "ENOTDIR" | "EISDIR" | "ENOTEMPTY" | "EROFS" | "EACCES";

/** A directory: names to files (their content) and subdirectories. A value, never changed in place. */
export type FsTree = IMap<string, FsNode>;
type FsNode = string | FsTree;

/** The empty directory. */
export const emptyTree: FsTree = IMap<string, FsNode>();

/** Where a filesystem's tree is kept: a write replaces it there. */
export interface FsSlot {
  get(): FsTree;
  set(tree: FsTree): void;
}

/** A slot of its own, holding a tree (a filesystem nothing else keeps). */
export function cell(tree: FsTree = emptyTree): FsSlot {
  let t = tree;
  return { get: () => t, set: (x) => void (t = x) };
}

/** Splits an absolute path into components, resolving "." and "..". */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out;
}

/** Joins a possibly relative path onto a working directory, normalised. */
export function resolvePath(cwd: string, path: string): string {
  return "/" + splitPath(path.startsWith("/") ? path : `${cwd}/${path}`).join("/");
}

const standardDirs = ["/bin", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sbin", "/sys", "/tmp", "/usr/bin", "/usr/local/bin", "/usr/sbin", "/var/log", "/var/run"];

// A walk's failure, told apart from a file (whose content is a string too).
class Failed {
  constructor(readonly code: FsError) {}
}
const enoent = new Failed("ENOENT");
const enotdir = new Failed("ENOTDIR");

function walk(root: FsTree, parts: readonly string[], upTo = parts.length): FsNode | Failed {
  let node: FsNode = root;
  for (let i = 0; i < upTo; i++) {
    if (typeof node === "string") return enotdir;
    const next: FsNode | undefined = node.get(parts[i]!);
    if (next === undefined) return enoent;
    node = next;
  }
  return node;
}

// Directories an entry's change made, by the directory changed, the entry's name and its new node:
// the containers of an image start from one tree and their programs make the same changes (the
// nginx entrypoint's default.conf), so the same change of the same directory is made once and
// shared, not copied per container. Bounded per entry; a directory gone takes its entries along.
const changed = new WeakMap<FsTree, Map<string, Map<FsNode, FsTree>>>();
const changedPerEntryMax = 4;

/** dir with its entry `name` set to node: the same value as dir.set, the same object for the same change. */
function setShared(dir: FsTree, name: string, node: FsNode): FsTree {
  let byName = changed.get(dir);
  if (byName === undefined) changed.set(dir, (byName = new Map()));
  let byNode = byName.get(name);
  if (byNode === undefined) byName.set(name, (byNode = new Map()));
  let out = byNode.get(node);
  if (out === undefined) {
    if (byNode.size >= changedPerEntryMax) byNode.clear();
    byNode.set(node, (out = dir.set(name, node)));
  }
  return out;
}

/** The tree with the entry `name` of the directory at parts[0..depth) replaced (undefined: removed); the path must exist. */
function replaceIn(dir: FsTree, parts: readonly string[], depth: number, name: string, node: FsNode | undefined): FsTree {
  if (depth === 0) return node === undefined ? dir.delete(name) : setShared(dir, name, node);
  const [head, ...rest] = parts;
  const child = dir.get(head!) as FsTree;
  return setShared(dir, head!, replaceIn(child, rest, depth - 1, name, node));
}

/** What a process may do with a filesystem (the calls a process's results are recorded from). */
export type FileSystem = Pick<MemFS, "exists" | "isDir" | "isFile" | "read" | "write" | "touch" | "mkdir" | "remove" | "list">;

/** The calls of FileSystem, by name. */
export const fileSystemCalls = ["exists", "isDir", "isFile", "read", "write", "touch", "mkdir", "remove", "list"] as const;

export class MemFS {
  private readonly mounts = new Map<string, MemFS>();

  /** A filesystem over a slot (by default one of its own, empty). */
  /**
   * readOnly: a read-only mount (a volumeMount with readOnly, a read-only claim): every change is
   * EROFS; "EACCES": a container whose AppArmor profile denies every write (deny /** w)
   */
  constructor(private readonly slot: FsSlot = cell(), private readonly readOnly: boolean | "EACCES" = false) {}

  /** A container root filesystem with the usual top-level directories. */
  static rootfs(extraDirs: string[] = []): MemFS {
    const fs = new MemFS();
    for (const d of [...standardDirs, ...extraDirs]) fs.mkdir(d, true);
    return fs;
  }

  /** This filesystem's own content (its mounts not included): a value. */
  get tree(): FsTree {
    return this.slot.get();
  }

  /** Mounts another filesystem (an emptyDir, a configMap) at path; the mount point's own content is hidden. */
  mount(path: string, fs: MemFS): void {
    const p = resolvePath("/", path);
    this.mkdir(p, true);
    this.mounts.set(p, fs);
  }

  /** Mounts another filesystem at a mount point the tree already has (a layout kept elsewhere, made when the tree was built). */
  attach(path: string, fs: MemFS): void {
    this.mounts.set(resolvePath("/", path), fs);
  }

  /** The filesystem holding path and the path inside it (longest mount prefix wins). */
  private locate(path: string): [MemFS, string[]] {
    const parts = splitPath(path);
    if (this.mounts.size > 0) {
      for (let i = parts.length; i > 0; i--) {
        const fs = this.mounts.get("/" + parts.slice(0, i).join("/"));
        if (fs) return fs.locate("/" + parts.slice(i).join("/"));
      }
    }
    return [this, parts];
  }

  private node(path: string): FsNode | Failed {
    const [fs, parts] = this.locate(path);
    return walk(fs.slot.get(), parts);
  }

  /**
   * Replaces the entry a path names in its parent directory (undefined removes it); `check` sees
   * the entry there now and may refuse with an error.
   */
  private change(path: string, check: (existing: FsNode | undefined) => FsError | undefined, next: (existing: FsNode | undefined) => FsNode | undefined): FsError | undefined {
    const [fs, parts] = this.locate(path);
    if (fs.readOnly) return fs.readOnly === "EACCES" ? "EACCES" : "EROFS";
    if (parts.length === 0) return "EISDIR";
    const root = fs.slot.get();
    const parent = walk(root, parts, parts.length - 1);
    if (parent instanceof Failed) return parent.code;
    if (typeof parent === "string") return "ENOTDIR";
    const name = parts[parts.length - 1]!;
    const existing = parent.get(name);
    const err = check(existing);
    if (err) return err;
    fs.slot.set(replaceIn(root, parts, parts.length - 1, name, next(existing)));
    return undefined;
  }

  /** True when something exists at path. */
  exists(path: string): boolean {
    return !(this.node(path) instanceof Failed);
  }

  /** True when path is a directory. */
  isDir(path: string): boolean {
    const n = this.node(path);
    return !(n instanceof Failed) && typeof n !== "string";
  }

  /** True when path is a regular file. */
  isFile(path: string): boolean {
    const n = this.node(path);
    return typeof n === "string";
  }

  /** A file's content, or an error. */
  read(path: string): string | { error: FsError } {
    const n = this.node(path);
    if (n instanceof Failed) return { error: n.code };
    return typeof n === "string" ? n : { error: "EISDIR" };
  }

  /** Writes (or appends to) a file; its directory must exist. */
  write(path: string, data: string, append = false): FsError | undefined {
    return this.change(path, (e) => (e !== undefined && typeof e !== "string" ? "EISDIR" : undefined), (e) => (append && typeof e === "string" ? e + data : data));
  }

  /** Creates an empty file if none exists (touch); an existing one's times change, which a read-only mount refuses. */
  touch(path: string): FsError | undefined {
    if (!this.exists(path)) return this.write(path, "");
    const { readOnly } = this.locate(path)[0];
    return readOnly ? (readOnly === "EACCES" ? "EACCES" : "EROFS") : undefined;
  }

  /** Creates a directory; with parents, creates missing ancestors and accepts an existing one. */
  mkdir(path: string, parents = false): FsError | undefined {
    if (parents) {
      const parts = splitPath(path);
      for (let i = 1; i <= parts.length; i++) {
        const sub = "/" + parts.slice(0, i).join("/");
        if (this.isDir(sub)) continue;
        const err = this.mkdir(sub, false);
        if (err) return err;
      }
      return undefined;
    }
    const err = this.change(path, (e) => (e !== undefined ? "EEXIST" : undefined), () => emptyTree);
    return err === "EISDIR" ? "EEXIST" : err;
  }

  /** Removes a file, or a directory (recursive needed unless empty). */
  remove(path: string, recursive = false): FsError | undefined {
    return this.change(path, (e) => (e === undefined ? "ENOENT" : typeof e !== "string" && !recursive ? "EISDIR" : undefined), () => undefined);
  }

  /** The sorted names in a directory (mount points included), or an error. */
  list(path: string): string[] | { error: FsError } {
    const n = this.node(path);
    if (n instanceof Failed) return { error: n.code };
    if (typeof n === "string") return [splitPath(path).pop() ?? "/"];
    return [...n.keys()].sort();
  }
}
