// A per-container in-memory filesystem. Its content is a value (FsTree: persistent maps, a write
// copies only the path it changes), so a runtime can keep it in a context, share it between
// snapshots and record it in a process's history. A MemFS is a handle that reads and replaces
// trees through slots; emptyDir volumes are handles mounted at a path, so two containers mounting
// the same volume see each other's files.

import { Map as IMap } from "immutable";
import { mutant } from "../../common/mutation.js";

/** Errors as errno names, so callers can word them as their program would. */
export type FsError = "ENOENT" | "EEXIST" | "ENOTDIR" | "EISDIR" | "ENOTEMPTY" | "EROFS" | "EACCES" | "ELOOP" | "EINVAL" | "EPERM";

/**
 * A directory: names to files (their content), symbolic links and subdirectories, and under the
 * name "" (which no path component can be) what it keeps of itself and its entries' inodes. A
 * value, never changed in place.
 */
export type FsTree = IMap<string, FsNode | DirMeta>;
type FsNode = string | FsTree | FsLink;

/** A symbolic link: its target as symlink(2) was given it, resolved when a path goes through it. */
export class FsLink {
  constructor(readonly target: string) {}
  // value equality for Immutable's equals (a replayed tree is equal to the live one)
  equals(other: unknown): boolean {
    return other instanceof FsLink && other.target === this.target;
  }
  hashCode(): number {
    return this.target.length;
  }
}

/** An inode's mode bits (permissions, setuid, setgid, sticky), owner, group and mtime (ms, the simulated clock; absent: the filesystem's epoch). */
export interface Attrs {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime?: number;
}

/**
 * What a directory keeps under "": its own attrs, its files' and links' (by name; a subdirectory
 * keeps its own), and on a filesystem's root whether it is a tmpfs (sizes count entries, not
 * blocks), the mtime of inodes nothing recorded (an image's files), and whether it is a
 * container's overlay root (whose merged directories report one link).
 */
export class DirMeta {
  constructor(readonly self: Attrs | undefined, readonly entries: IMap<string, Attrs>, readonly tmpfs = false, readonly epoch = 0, readonly overlay = false) {}
  equals(other: unknown): boolean {
    if (!(other instanceof DirMeta) || other.tmpfs !== this.tmpfs || other.epoch !== this.epoch || other.overlay !== this.overlay || !sameAttrs(other.self, this.self)) return false;
    return other.entries.size === this.entries.size && this.entries.every((a, k) => sameAttrs(a, other.entries.get(k)));
  }
  hashCode(): number {
    return (this.entries.size * 31 + (this.self?.mode ?? 0)) | 0;
  }
}

function sameAttrs(a: Attrs | undefined, b: Attrs | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.mtime === b.mtime);
}

/** Who changes a filesystem, and when: new inodes are theirs (a setgid directory's group wins), mtimes the clock's. */
export interface FsWriter {
  readonly uid: number;
  readonly gid: number;
  readonly now: number;
  /** the supplementary groups, which a permission check counts as the group too */
  readonly groups?: readonly number[];
  /** the capabilities in effect (CAP_ names); unset: root holds every one, another uid none */
  readonly caps?: readonly string[];
}

/** capable(9): whether a process (a writer, a user) holds the capability (containerd's set less the dropped ones, for root only). */
export function capable(w: { readonly uid: number; readonly caps?: readonly string[] }, cap: string): boolean {
  return w.caps === undefined ? w.uid === 0 : w.caps.includes(cap);
}

/**
 * generic_permission: the owner's bits if w owns the inode, else the group's if the inode's group
 * is one of its, else the others'; failing them, CAP_DAC_OVERRIDE passes any check and
 * CAP_DAC_READ_SEARCH a read. want: 4 read, 2 write, 1 search/execute, or'ed.
 */
export function permits(a: Attrs, w: FsWriter, want: number): boolean {
  if (capable(w, "CAP_DAC_OVERRIDE") || (want === 4 && capable(w, "CAP_DAC_READ_SEARCH"))) return true;
  const inGroup = a.gid === w.gid || (!mutant("memfs.supplementary-groups-ignored") && (w.groups ?? []).includes(a.gid));
  const bits = a.uid === w.uid ? a.mode >> 6 : inGroup ? a.mode >> 3 : a.mode;
  // the mutant lets an owner its bits deny fall through to the group's
  if (mutant("memfs.owner-falls-through-to-group") && a.uid === w.uid && inGroup && ((a.mode >> 3) & want) === want) return true;
  return (bits & want) === want;
}

/** What stat(2) or lstat(2) tells of a path (the fields ls, stat and find print). */
export interface FsStat {
  readonly type: "file" | "dir" | "link";
  /** the permission and special bits (07777) */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly size: number;
  readonly nlink: number;
  /** 512-byte blocks allocated */
  readonly blocks: number;
  /** a link's target */
  readonly target?: string;
}

const META = "";
const defaultFileMode = 0o644;
const defaultDirMode = 0o755;
const S_ISGID = 0o2000;

function metaOf(dir: FsTree): DirMeta | undefined {
  return dir.get(META) as DirMeta | undefined;
}

/** The empty directory. */
export const emptyTree: FsTree = IMap<string, FsNode>();

/** Where a filesystem's tree is kept: a write replaces it there. */
export interface FsSlot {
  get(): FsTree;
  set(tree: FsTree): void;
  /**
   * The tree as a path under its entry `first` reads it, when that is cheaper than get(): equal to
   * get()'s in that entry and in the root's own attrs, other entries left as they are kept (a
   * container's /proc without the files the kernel makes, while no path goes into it); a change
   * made under `first` on it is set() as one made on get()'s.
   */
  getFor?(first: string): FsTree;
}

/** A slot of its own, holding a tree (a filesystem nothing else keeps). */
export function cell(tree: FsTree = emptyTree): FsSlot {
  let t = tree;
  return { get: () => t, set: (x) => void (t = x) };
}

/** Splits an absolute path into components, resolving "." and "..". */
export function splitPath(path: string): string[] {
  // one scan between slashes, no array of every piece: every file call splits its path, often twice
  const out: string[] = [];
  const n = path.length;
  let start = 0;
  while (start < n) {
    let end = path.indexOf("/", start);
    if (end === -1) end = n;
    if (end > start) {
      const part = path.slice(start, end);
      if (part === "..") out.pop();
      else if (part !== ".") out.push(part);
    }
    start = end + 1;
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
const eloop = new Failed("ELOOP");

/** How many symbolic links one lookup goes through before ELOOP (the kernel's MAXSYMLINKS). */
const maxSymlinks = 40;

// Directories an entry's change made, by the directory changed, the entry's name and its new node:
// the containers of an image start from one tree and their programs make the same changes (the
// nginx entrypoint's default.conf), so the same change of the same directory is made once and
// shared, not copied per container. Bounded per entry; a directory gone takes its entries along.
// An entry's changes are a short list (node, result, node, result, ...), not a Map each: most
// directories a change walks are a container's own and see one change.
const changed = new WeakMap<FsTree, Map<string, (FsNode | DirMeta)[]>>();
const changedPerEntryMax = 4;

/** dir with its entry `name` set to node: the same value as dir.set, the same object for the same change. */
function setShared(dir: FsTree, name: string, node: FsNode | DirMeta): FsTree {
  let byName = changed.get(dir);
  if (byName === undefined) changed.set(dir, (byName = new Map()));
  let made = byName.get(name);
  if (made === undefined) byName.set(name, (made = []));
  for (let i = 0; i < made.length; i += 2) if (made[i] === node) return made[i + 1] as FsTree;
  if (made.length >= 2 * changedPerEntryMax) made.length = 0;
  const out = dir.set(name, node);
  made.push(node, out);
  return out;
}

/** The tree with the directory at `parts` replaced by what `edit` makes of it (the path must exist). */
function replaceDir(root: FsTree, parts: readonly string[], edit: (dir: FsTree) => FsTree, to = parts.length, from = 0): FsTree {
  // by index, not by copies of the path's tail at every level (the directory at parts[0..to))
  if (from === to) return edit(root);
  const head = parts[from]!;
  return setShared(root, head, replaceDir(root.get(head) as FsTree, parts, edit, to, from + 1));
}

/** The tree of a filesystem's root directory with these attrs (a volume's: its mode, the fsGroup's group); tmpfs: a memory-backed volume. */
export function rootTree(attrs: Attrs, tmpfs = false): FsTree {
  return emptyTree.set(META, new DirMeta(attrs, IMap(), tmpfs, attrs.mtime));
}

/** Whether a filesystem's tree is a tmpfs' (a Memory emptyDir, a secret, a projected volume). */
export function isTmpfs(tree: FsTree): boolean {
  return metaOf(tree)?.tmpfs === true;
}

/** The directory's entry attrs (files and links), its own attrs replaced or kept. */
function withMeta(dir: FsTree, edit: (m: DirMeta) => DirMeta): FsTree {
  return dir.set(META, edit(metaOf(dir) ?? new DirMeta(undefined, IMap())));
}

const isTree = (n: FsNode | DirMeta | Failed | undefined): n is FsTree => n !== undefined && typeof n !== "string" && !(n instanceof FsLink) && !(n instanceof DirMeta) && !(n instanceof Failed);

/** Where a lookup ended: the filesystem holding it, the path inside that one, what is there. */
interface Found {
  fs: MemFS;
  parts: string[];
  node: FsNode | Failed;
}

/** What a process may do with a filesystem (the calls a process's results are recorded from). */
export type FileSystem = Pick<MemFS, "exists" | "isDir" | "isFile" | "read" | "write" | "touch" | "mkdir" | "remove" | "list" | "stat" | "readlink" | "symlink" | "chmod" | "chown">;

/** The calls of FileSystem, by name. */
export const fileSystemCalls = ["exists", "isDir", "isFile", "read", "write", "touch", "mkdir", "remove", "list", "stat", "readlink", "symlink", "chmod", "chown"] as const;

export class MemFS {
  private readonly mounts = new Map<string, MemFS>();

  /**
   * A filesystem over a slot (by default one of its own, empty). readOnly: a read-only mount (a
   * volumeMount with readOnly, a read-only claim): every change is EROFS; "EACCES": a container
   * whose AppArmor profile denies every write (deny /** w). writer: who makes the changes and when
   * (none: an image being built, whose inodes keep the defaults). writable: paths of a read-only
   * filesystem bound read-write over it (a read-only root's /dev and the kubelet's /etc/hosts).
   */
  constructor(private readonly slot: FsSlot = cell(), private readonly readOnly: boolean | "EACCES" = false, private readonly writer?: () => FsWriter, private readonly writable: readonly string[] = []) {}

  /** A container root filesystem with the usual top-level directories (/tmp sticky and world-writable, as images ship it). */
  static rootfs(extraDirs: string[] = []): MemFS {
    const fs = new MemFS();
    for (const d of [...standardDirs, ...extraDirs]) fs.mkdir(d, true);
    fs.chmod("/tmp", 0o1777);
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

  /** Makes this a container's overlay root whose image files (nothing recorded of them) show mtime ms. */
  asContainerRoot(ms: number): void {
    this.slot.set(withMeta(this.slot.get(), (m) => new DirMeta(m.self, m.entries, m.tmpfs, ms, true)));
  }

  /** The filesystem holding path, the path inside it (longest mount prefix wins), and where that filesystem is mounted. */
  private locate(path: string): [MemFS, string[], string] {
    const parts = splitPath(path);
    if (this.mounts.size > 0) {
      for (let i = parts.length; i > 0; i--) {
        const at = "/" + parts.slice(0, i).join("/");
        const fs = this.mounts.get(at);
        if (fs) {
          const [inner, rest, prefix] = fs.locate("/" + parts.slice(i).join("/"));
          return [inner, rest, at + prefix];
        }
      }
    }
    return [this, parts, ""];
  }

  /** The lookup of path (path_lookupat): links on the way are followed, the last one only if followLast. */
  private resolve(path: string, followLast: boolean, hops = 0): Found {
    const [fs, parts, prefix] = this.locate(path);
    let node: FsNode = fs.treeFor(parts);
    for (let i = 0; i < parts.length; i++) {
      if (!isTree(node)) return { fs, parts, node: enotdir };
      const next = node.get(parts[i]!) as FsNode | undefined;
      if (next === undefined) return { fs, parts, node: enoent };
      if (next instanceof FsLink && (i < parts.length - 1 || followLast)) {
        if (hops >= maxSymlinks) return { fs, parts, node: eloop };
        // a relative target is taken from the link's directory, an absolute one from this root
        const target = next.target.startsWith("/") ? next.target : `${prefix}/${parts.slice(0, i).join("/")}/${next.target}`;
        const rest = parts.slice(i + 1).join("/");
        return this.resolve(rest === "" ? target : `${target}/${rest}`, followLast, hops + 1);
      }
      node = next;
    }
    return { fs, parts, node };
  }

  /** The tree a walk to `parts` reads (the slot's cheaper view for a path under an entry), and a change there is made on. */
  private treeFor(parts: readonly string[]): FsTree {
    return parts.length > 0 && this.slot.getFor !== undefined ? this.slot.getFor(parts[0]!) : this.slot.get();
  }

  private node(path: string): FsNode | Failed {
    return this.resolve(path, true).node;
  }

  private static refusal(fs: MemFS, parts: readonly string[] = []): FsError | undefined {
    if (!fs.readOnly) return undefined;
    const at = "/" + parts.join("/");
    if (fs.writable.some((w) => at === w || at.startsWith(mutant("memfs.writable-prefix-without-slash") ? w : `${w}/`))) return undefined;
    return fs.readOnly === "EACCES" ? "EACCES" : "EROFS";
  }

  /**
   * Replaces the entry a path names in its parent directory (undefined removes it); `check` sees
   * the entry there now and may refuse with an error. follow: a link there is followed (open(2)
   * with O_CREAT writes its target). A new inode is the writer's, with mode `mode`.
   */
  private change(path: string, check: (existing: FsNode | undefined) => FsError | undefined, next: (existing: FsNode | undefined) => FsNode | undefined, mode: number, follow = false, hops = 0): FsError | undefined {
    const [mounted, inside] = this.locate(path);
    if (inside.length === 0) return MemFS.refusal(mounted) ?? "EISDIR";
    // with nothing mounted, locate's parts are the path's own
    const parts = this.mounts.size === 0 ? inside : splitPath(path);
    const name = parts[parts.length - 1]!;
    const parent = this.resolve("/" + parts.slice(0, -1).join("/"), true);
    if (parent.node instanceof Failed) return parent.node.code;
    if (!isTree(parent.node)) return "ENOTDIR";
    const { fs } = parent;
    const refused = MemFS.refusal(fs, [...parent.parts, name]);
    if (refused) return refused;
    const existing = parent.node.get(name) as FsNode | undefined;
    if (follow && existing instanceof FsLink) {
      if (hops >= maxSymlinks) return "ELOOP";
      const [, , prefix] = this.locate("/" + parts.slice(0, -1).join("/"));
      const dir = `${prefix}/${parent.parts.join("/")}`;
      return this.change(existing.target.startsWith("/") ? existing.target : `${dir}/${existing.target}`, check, next, mode, follow, hops + 1);
    }
    const err = check(existing);
    if (err) return err;
    const node = next(existing);
    const w = this.writer?.();
    if (w !== undefined) {
      const denied = accessDenied(parent.node, name, existing, node, w);
      if (denied) return denied;
    }
    fs.slot.set(replaceDir(fs.treeFor(parent.parts), parent.parts, (dir) => placed(dir, name, existing, node, mode, w)));
    return undefined;
  }

  /** Changes the attrs of the inode path names (following links when follow), as chmod(2), chown(2) and utimes(2) do. */
  private setAttrs(path: string, follow: boolean, edit: (a: Attrs) => Attrs): FsError | undefined {
    return MemFS.setAttrsOf(this.resolve(path, follow), edit);
  }

  /** setAttrs on what a lookup found. */
  private static setAttrsOf(found: Found, edit: (a: Attrs) => Attrs): FsError | undefined {
    if (found.node instanceof Failed) return found.node.code;
    const refused = MemFS.refusal(found.fs, found.parts);
    if (refused) return refused;
    const { fs, parts, node } = found;
    if (isTree(node)) {
      fs.slot.set(replaceDir(fs.treeFor(parts), parts, (dir) => withMeta(dir, (m) => new DirMeta(edit(m.self ?? { mode: defaultDirMode, uid: 0, gid: 0 }), m.entries, m.tmpfs, m.epoch, m.overlay))));
      return undefined;
    }
    const name = parts[parts.length - 1]!;
    fs.slot.set(replaceDir(fs.treeFor(parts), parts, (dir) => withMeta(dir, (m) => new DirMeta(m.self, m.entries.set(name, edit(m.entries.get(name) ?? defaultAttrs(node))), m.tmpfs, m.epoch, m.overlay)), parts.length - 1));
    return undefined;
  }

  /** True when something exists at path. */
  exists(path: string): boolean {
    return !(this.node(path) instanceof Failed);
  }

  /** True when path is a directory. */
  isDir(path: string): boolean {
    return isTree(this.node(path));
  }

  /** True when path is a regular file. */
  isFile(path: string): boolean {
    const n = this.node(path);
    return typeof n === "string";
  }

  /** A file's content, or an error (EACCES: its mode lets the reader not read it). */
  read(path: string): string | { error: FsError } {
    const found = this.resolve(path, true);
    const n = found.node;
    if (n instanceof Failed) return { error: n.code };
    if (typeof n !== "string") return { error: "EISDIR" };
    const w = this.writer?.();
    if (w !== undefined) {
      const st = MemFS.statOf(found);
      if (!("error" in st) && !permits(st, w, 4)) return { error: "EACCES" };
    }
    return n;
  }

  /** Writes (or appends to) a file; its directory must exist; a link is written through. */
  write(path: string, data: string, append = false): FsError | undefined {
    return this.change(path, (e) => (e !== undefined && typeof e !== "string" ? "EISDIR" : undefined), (e) => (append && typeof e === "string" ? e + data : data), defaultFileMode, true);
  }

  /** Creates an empty file if none exists (touch); an existing one's times change, which a read-only mount refuses. */
  touch(path: string): FsError | undefined {
    // one lookup for the existence, the stat and the change: nothing changes the tree between them
    const found = this.resolve(path, true);
    if (found.node instanceof Failed) return this.write(path, "");
    const w = this.writer?.();
    if (w === undefined) return MemFS.refusal(found.fs, found.parts);
    // utimensat(2) to now: the owner (or CAP_FOWNER), or whoever may write the file
    const st = MemFS.statOf(found);
    if (!("error" in st) && st.uid !== w.uid && !capable(w, "CAP_FOWNER") && !permits(st, w, 2)) return MemFS.refusal(found.fs) ?? "EACCES";
    return MemFS.setAttrsOf(found, (a) => ({ ...a, mtime: w.now }));
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
    const err = this.change(path, (e) => (e !== undefined ? "EEXIST" : undefined), () => emptyTree, defaultDirMode);
    return err === "EISDIR" ? "EEXIST" : err;
  }

  /** Removes a file or a link, or a directory (recursive needed unless empty). */
  remove(path: string, recursive = false): FsError | undefined {
    return this.change(path, (e) => (e === undefined ? "ENOENT" : isTree(e) && !recursive ? "EISDIR" : undefined), () => undefined, 0);
  }

  /** The sorted names in a directory (mount points included), or an error. */
  list(path: string): string[] | { error: FsError } {
    const n = this.node(path);
    if (n instanceof Failed) return { error: n.code };
    if (!isTree(n)) return [splitPath(path).pop() ?? "/"];
    return [...n.keys()].filter((k) => k !== META).sort();
  }

  /** stat(2) of path (follow) or lstat(2) (a link itself). */
  stat(path: string, follow = true): FsStat | { error: FsError } {
    return MemFS.statOf(this.resolve(path, follow));
  }

  /** stat of what a lookup found. */
  private static statOf(found: Found): FsStat | { error: FsError } {
    const { fs, parts, node } = found;
    if (node instanceof Failed) return { error: node.code };
    const root = metaOf(fs.treeFor(parts));
    const epoch = root?.epoch ?? 0;
    if (isTree(node)) {
      const a = metaOf(node)?.self ?? { mode: defaultDirMode, uid: 0, gid: 0 };
      let entries = 0;
      let subdirs = 0;
      for (const [k, v] of node) {
        if (k === META) continue;
        entries++;
        if (isTree(v)) subdirs++;
      }
      // tmpfs counts BOGO_DIRENT_SIZE (20) a name, "." and ".." included; a disk directory is a block
      return { type: "dir", mode: a.mode, uid: a.uid, gid: a.gid, mtime: a.mtime ?? epoch, size: root?.tmpfs ? 20 * (entries + 2) : 4096, nlink: root?.overlay ? 1 : 2 + subdirs, blocks: root?.tmpfs ? 0 : 8 };
    }
    const parent = parts.length > 1 ? (fs.treeFor(parts).getIn(parts.slice(0, -1)) as FsTree) : fs.treeFor(parts);
    const a = metaOf(parent)?.entries.get(parts[parts.length - 1]!) ?? defaultAttrs(node);
    if (node instanceof FsLink) return { type: "link", mode: 0o777, uid: a.uid, gid: a.gid, mtime: a.mtime ?? epoch, size: Buffer.byteLength(node.target), nlink: 1, blocks: 0, target: node.target };
    const size = Buffer.byteLength(node);
    return { type: "file", mode: a.mode, uid: a.uid, gid: a.gid, mtime: a.mtime ?? epoch, size, nlink: 1, blocks: Math.ceil(size / 4096) * 8 };
  }

  /** The path with every link in it followed (realpath(3)), inside the filesystem holding it; or an error. */
  realpath(path: string): string | { error: FsError } {
    const { parts, node } = this.resolve(path, true);
    return node instanceof Failed ? { error: node.code } : "/" + parts.join("/");
  }

  /** readlink(2): a link's target; EINVAL for what is not a link. */
  readlink(path: string): string | { error: FsError } {
    const { node } = this.resolve(path, false);
    if (node instanceof Failed) return { error: node.code };
    return node instanceof FsLink ? node.target : { error: "EINVAL" };
  }

  /** symlink(2): a link at path to target (taken as written, resolved when used). */
  symlink(target: string, path: string): FsError | undefined {
    return this.change(path, (e) => (e !== undefined ? "EEXIST" : undefined), () => new FsLink(target), 0o777);
  }

  /** chmod(2): the permission and special bits of what path names (a link is followed): the owner's, or CAP_FOWNER's. */
  chmod(path: string, mode: number): FsError | undefined {
    const w = this.writer?.();
    if (w !== undefined && !capable(w, "CAP_FOWNER")) {
      const st = this.stat(path);
      if (!("error" in st) && st.uid !== w.uid && !mutant("memfs.chmod-by-anyone")) return "EPERM";
    }
    return this.setAttrs(path, true, (a) => ({ ...a, mode: mode & 0o7777 }));
  }

  /**
   * chown(2) (follow) or lchown(2): the owner and group (-1 keeps one). Without CAP_CHOWN
   * (chown_ok, chgrp_ok) the owner may only keep its uid and set the group to one of its own.
   */
  chown(path: string, uid: number, gid: number, follow = true): FsError | undefined {
    const w = this.writer?.();
    if (w !== undefined && !capable(w, "CAP_CHOWN")) {
      const st = this.stat(path, follow);
      const owner = !("error" in st) && st.uid === w.uid;
      const uidOk = uid < 0 || (owner && uid === st.uid);
      const gidOk = gid < 0 || (owner && (gid === st.gid || gid === w.gid || (w.groups ?? []).includes(gid)));
      if (!("error" in st) && !(uidOk && gidOk)) return "EPERM";
    }
    return this.setAttrs(path, follow, (a) => ({ ...a, uid: uid < 0 ? a.uid : uid, gid: gid < 0 ? a.gid : gid }));
  }
}

/** An inode's attrs when nothing recorded them: root's, 0644 (a link 0777), at the filesystem's epoch. */
function defaultAttrs(node: FsNode): Attrs {
  return { mode: node instanceof FsLink ? 0o777 : isTree(node) ? defaultDirMode : defaultFileMode, uid: 0, gid: 0 };
}

/**
 * The directory with its entry `name` replaced by node (undefined: removed), the inodes' attrs
 * kept as the kernel keeps them: a new one is the writer's (in a setgid directory, of its group;
 * a directory inherits the bit), a rewrite moves its mtime, and the directory's own mtime moves
 * when an entry comes or goes. Without a writer (an image being built) nothing is recorded.
 */
function placed(dir: FsTree, name: string, existing: FsNode | undefined, node: FsNode | undefined, mode: number, w: FsWriter | undefined): FsTree {
  const meta = metaOf(dir);
  if (node === undefined) {
    const out = dir.delete(name);
    if (w === undefined) return meta?.entries.has(name) ? out.set(META, new DirMeta(meta.self, meta.entries.delete(name), meta.tmpfs, meta.epoch, meta.overlay)) : out;
    const m = meta ?? new DirMeta(undefined, IMap());
    return out.set(META, new DirMeta(touched(m.self, w), m.entries.delete(name), m.tmpfs, m.epoch, m.overlay));
  }
  if (w === undefined) return setShared(dir, name, node);
  const m = meta ?? new DirMeta(undefined, IMap());
  const parent = m.self ?? { mode: defaultDirMode, uid: 0, gid: 0 };
  const setgid = (parent.mode & S_ISGID) !== 0 && !mutant("memfs.setgid-directory-ignored");
  const fresh: Attrs = { mode, uid: w.uid, gid: setgid ? parent.gid : w.gid, mtime: w.now };
  if (existing !== undefined) {
    // a file written again: its inode stays, its mtime moves
    const was = m.entries.get(name) ?? defaultAttrs(existing);
    return dir.set(name, node).set(META, new DirMeta(m.self, m.entries.set(name, { ...was, mtime: w.now }), m.tmpfs, m.epoch, m.overlay));
  }
  if (isTree(node)) {
    const own = node.set(META, new DirMeta({ ...fresh, mode: mode | (setgid ? S_ISGID : 0) }, IMap()));
    return dir.set(name, own).set(META, new DirMeta(touched(m.self, w), m.entries, m.tmpfs, m.epoch, m.overlay));
  }
  return dir.set(name, node).set(META, new DirMeta(touched(m.self, w), m.entries.set(name, fresh), m.tmpfs, m.epoch, m.overlay));
}

/**
 * Whether the kernel lets w make this change in dir (may_create, may_delete, may_open): a new entry
 * or a removal needs write and search on the directory, and in a sticky one (/tmp) a removal is
 * the entry's owner's or the directory's; rewriting a file needs write on the file.
 */
function accessDenied(dir: FsTree, name: string, existing: FsNode | undefined, node: FsNode | undefined, w: FsWriter): FsError | undefined {
  if (capable(w, "CAP_DAC_OVERRIDE") && capable(w, "CAP_FOWNER")) return undefined;
  const meta = metaOf(dir);
  const self = meta?.self ?? { mode: defaultDirMode, uid: 0, gid: 0 };
  if (existing !== undefined && node !== undefined && !isTree(existing)) {
    return permits(meta?.entries.get(name) ?? defaultAttrs(existing), w, 2) ? undefined : "EACCES";
  }
  if (!permits(self, w, 3)) return "EACCES";
  if (node === undefined && existing !== undefined && (self.mode & 0o1000) !== 0) {
    const owner = isTree(existing) ? (metaOf(existing)?.self?.uid ?? 0) : (meta?.entries.get(name)?.uid ?? 0);
    if (owner !== w.uid && self.uid !== w.uid && !capable(w, "CAP_FOWNER") && !mutant("memfs.sticky-directory-ignored")) return "EPERM";
  }
  return undefined;
}

/** A directory's attrs after an entry came or went: its mtime the writer's now. */
function touched(self: Attrs | undefined, w: FsWriter): Attrs {
  return { ...(self ?? { mode: defaultDirMode, uid: 0, gid: 0 }), mtime: w.now };
}
