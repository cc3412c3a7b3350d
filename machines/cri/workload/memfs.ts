// A per-container in-memory filesystem. emptyDir volumes are MemFS instances mounted at a
// path, so two containers mounting the same instance see each other's files.

/** Errors as errno names, so callers can word them as their program would. */
export type FsError = "ENOENT" | "EEXIST" | "ENOTDIR" | "EISDIR" | "ENOTEMPTY";

type Node = { kind: "file"; data: string } | { kind: "dir"; children: Map<string, Node> };

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

export class MemFS {
  private readonly root: Node = { kind: "dir", children: new Map() };
  private readonly mounts = new Map<string, MemFS>();

  /** A container root filesystem with the usual top-level directories. */
  static rootfs(extraDirs: string[] = []): MemFS {
    const fs = new MemFS();
    for (const d of [...standardDirs, ...extraDirs]) fs.mkdir(d, true);
    return fs;
  }

  /** Mounts another filesystem (an emptyDir, a configMap) at path; the mount point's own content is hidden. */
  mount(path: string, fs: MemFS): void {
    const p = resolvePath("/", path);
    this.mkdir(p, true);
    this.mounts.set(p, fs);
  }

  /** The filesystem holding path and the path inside it (longest mount prefix wins). */
  private locate(path: string): [MemFS, string[]] {
    const parts = splitPath(path);
    for (let i = parts.length; i > 0; i--) {
      const fs = this.mounts.get("/" + parts.slice(0, i).join("/"));
      if (fs) return fs.locate("/" + parts.slice(i).join("/"));
    }
    return [this, parts];
  }

  private static walk(root: Node, parts: string[]): Node | FsError {
    let node: Node = root;
    for (const part of parts) {
      if (node.kind !== "dir") return "ENOTDIR";
      const next = node.children.get(part);
      if (!next) return "ENOENT";
      node = next;
    }
    return node;
  }

  private node(path: string): Node | FsError {
    const [fs, parts] = this.locate(path);
    return MemFS.walk(fs.root, parts);
  }

  /** The parent directory node and the last component's name, or an error. */
  private parent(path: string): { dir: Map<string, Node>; name: string } | FsError {
    const [fs, parts] = this.locate(path);
    if (parts.length === 0) return "EISDIR";
    const parent = MemFS.walk(fs.root, parts.slice(0, -1));
    if (typeof parent === "string") return parent;
    if (parent.kind !== "dir") return "ENOTDIR";
    return { dir: parent.children, name: parts[parts.length - 1]! };
  }

  /** True when something exists at path. */
  exists(path: string): boolean {
    return typeof this.node(path) !== "string";
  }

  /** True when path is a directory. */
  isDir(path: string): boolean {
    const n = this.node(path);
    return typeof n !== "string" && n.kind === "dir";
  }

  /** True when path is a regular file. */
  isFile(path: string): boolean {
    const n = this.node(path);
    return typeof n !== "string" && n.kind === "file";
  }

  /** A file's content, or an error. */
  read(path: string): string | { error: FsError } {
    const n = this.node(path);
    if (typeof n === "string") return { error: n };
    return n.kind === "file" ? n.data : { error: "EISDIR" };
  }

  /** Writes (or appends to) a file; its directory must exist. */
  write(path: string, data: string, append = false): FsError | undefined {
    const p = this.parent(path);
    if (typeof p === "string") return p;
    const existing = p.dir.get(p.name);
    if (existing?.kind === "dir") return "EISDIR";
    p.dir.set(p.name, { kind: "file", data: append && existing ? existing.data + data : data });
    return undefined;
  }

  /** Creates an empty file if none exists (touch). */
  touch(path: string): FsError | undefined {
    return this.exists(path) ? undefined : this.write(path, "");
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
    const p = this.parent(path);
    if (typeof p === "string") return p === "EISDIR" ? "EEXIST" : p;
    if (p.dir.has(p.name)) return "EEXIST";
    p.dir.set(p.name, { kind: "dir", children: new Map() });
    return undefined;
  }

  /** Removes a file, or a directory (recursive needed unless empty). */
  remove(path: string, recursive = false): FsError | undefined {
    const p = this.parent(path);
    if (typeof p === "string") return p;
    const n = p.dir.get(p.name);
    if (!n) return "ENOENT";
    if (n.kind === "dir" && !recursive) return "EISDIR";
    p.dir.delete(p.name);
    return undefined;
  }

  /** The sorted names in a directory (mount points included), or an error. */
  list(path: string): string[] | { error: FsError } {
    const n = this.node(path);
    if (typeof n === "string") return { error: n };
    if (n.kind !== "dir") return [splitPath(path).pop() ?? "/"];
    return [...n.children.keys()].sort();
  }
}
