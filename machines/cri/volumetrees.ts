// The directories the kubelet makes for a pod's volumes, as the node's filesystem holds them:
// an emptyDir (pkg/volume/emptydir setupDir: 0777, a tmpfs keeping its sticky bit), and the
// configMap, secret, downwardAPI and projected plugins' payload as the AtomicWriter
// (pkg/volume/util/atomic_writer.go) lays it out: the files in a timestamped `..<time>.<n>`
// directory, a `..data` link to it, and a link `name -> ..data/name` per top-level entry, so a
// reader sees one payload or the next, never a mix. SetVolumeOwnership (volume_linux.go) then
// gives everything the fsGroup's group. Pure: the same payload at the same time is the same tree.

import { fnv1a32String } from "../common/fnv.js";
import { civilFromDays } from "../common/time.js";
import { mutant } from "../common/mutation.js";
import type { VolumeSetup } from "./messages.js";
import { cell, MemFS, resolvePath, rootTree, splitPath, type FsTree } from "./workload/memfs.js";

const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
/** SetVolumeOwnership's masks: a read-only volume's files gain r--r-----, a writable one's rw-rw----; directories also setgid and x--x---. */
const roMask = 0o440;
const rwMask = 0o660;
const execMask = 0o110;
const defaultPayloadMode = 0o644;

/** The root of an emptyDir: 0777 (a tmpfs' root is 1777, and setupDir's chmod keeps the sticky bit); with an fsGroup, its group and setgid. */
export function emptyDirTree(setup: VolumeSetup | undefined, now: number): FsTree {
  const base = 0o777 | (setup?.memory && !mutant("volumetrees.tmpfs-loses-sticky-bit") ? S_ISVTX : 0);
  const mode = setup?.fsGroup !== undefined ? base | rwMask | execMask | S_ISGID : base;
  return rootTree({ mode, uid: 0, gid: setup?.fsGroup ?? 0, mtime: now }, setup?.memory === true);
}

/** `..2006_01_02_15_04_05.` (os.MkdirTemp's pattern) of a time, in UTC. */
function tsPrefix(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const [y, m, d] = civilFromDays(days);
  const secs = Math.floor((ms - days * 86_400_000) / 1000);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `..${y}_${p2(m)}_${p2(d)}_${p2(Math.floor(secs / 3600))}_${p2(Math.floor(secs / 60) % 60)}_${p2(secs % 60)}.`;
}

/**
 * A data volume's tree after the AtomicWriter wrote `files` at `now` (the kubelet's SetUp or a
 * later update): MkdirTemp's random suffix comes from `seed` (the sandbox and volume), so a run
 * replays the same names.
 */
export function payloadTree(files: Readonly<Record<string, string>>, setup: VolumeSetup | undefined, now: number, seed: string): FsTree {
  const fs = new MemFS(cell(emptyDirTree({ ...setup, memory: setup?.memory === true }, now)), false, () => ({ uid: 0, gid: 0, now }));
  const ts = `${tsPrefix(now)}${fnv1a32String(`${seed}/${now}`)}`;
  fs.mkdir(`/${ts}`);
  const tops = new Set<string>();
  for (const [path, data] of Object.entries(files)) {
    const parts = splitPath(path);
    if (parts.length === 0) continue;
    tops.add(parts[0]!);
    const at = `/${ts}/${parts.join("/")}`;
    fs.mkdir(resolvePath(at, ".."), true);
    fs.write(at, data);
    // writePayloadToDir: WriteFile then Chmod, so the mode is exactly the payload's (no umask)
    fs.chmod(at, (setup?.modes && Object.hasOwn(setup.modes, path) && !mutant("volumetrees.item-mode-ignored") ? setup.modes[path]! : setup?.defaultMode ?? defaultPayloadMode) & 0o777);
  }
  // newTimestampDir: MkdirTemp then Chmod 0755 (which drops a setgid the parent passed down)
  fs.chmod(`/${ts}`, 0o755);
  fs.symlink(ts, "/..data");
  for (const top of [...tops].sort()) fs.symlink(`..data/${top}`, `/${top}`);
  if (setup?.fsGroup !== undefined) chownTree(fs, "/", setup.fsGroup, !mutant("volumetrees.payload-group-writable"));
  return fs.tree;
}

/** SetVolumeOwnership's walk: every inode to the group, files' and directories' modes widened by the masks (links only lchown'd). */
function chownTree(fs: MemFS, path: string, gid: number, readOnly: boolean): void {
  const st = fs.stat(path, false);
  if ("error" in st) return;
  fs.chown(path, -1, gid, false);
  if (st.type === "link") return;
  const mask = (readOnly ? roMask : rwMask) | (st.type === "dir" ? S_ISGID | execMask : 0);
  fs.chmod(path, st.mode | mask);
  if (st.type !== "dir") return;
  const names = fs.list(path);
  if (!Array.isArray(names)) return;
  for (const n of names) chownTree(fs, path === "/" ? `/${n}` : `${path}/${n}`, gid, readOnly);
}
