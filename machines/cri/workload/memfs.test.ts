// The container filesystem's values: the same change of the same tree is one shared value (the
// containers of an image all make it: nginx's entrypoint edits default.conf), and a read-only
// mount refuses touch of an existing file as the kernel refuses its utimes; a path splits into
// its components as the kernel's walk takes them ("" and "." skipped, ".." back one, not above "/").

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { is, Map as IMap } from "immutable";
import { cell, MemFS, resolvePath, splitPath, type FsTree, type FsWriter } from "./memfs.js";

// the walk's rule stated directly: every piece between slashes, in order
function componentsOf(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out;
}

describe("MemFS", () => {
  it("two containers writing the same file into the same image tree share the directories the write made", () => {
    const image = MemFS.rootfs();
    image.mkdir("/etc/nginx/conf.d", true);
    image.write("/etc/nginx/conf.d/default.conf", "listen 80;\n");
    const a = new MemFS(cell(image.tree));
    const b = new MemFS(cell(image.tree));
    a.write("/etc/nginx/conf.d/default.conf", "listen 80;\nlisten [::]:80;\n");
    b.write("/etc/nginx/conf.d/default.conf", "listen 80;\nlisten [::]:80;\n");
    expect(a.tree.get("etc")).toBe(b.tree.get("etc"));
    expect(a.read("/etc/nginx/conf.d/default.conf")).toBe("listen 80;\nlisten [::]:80;\n");
    // a different write is its own value, and the image's tree is untouched
    b.write("/etc/nginx/conf.d/default.conf", "other\n");
    expect(a.read("/etc/nginx/conf.d/default.conf")).toBe("listen 80;\nlisten [::]:80;\n");
    expect(image.read("/etc/nginx/conf.d/default.conf")).toBe("listen 80;\n");
  });

  it("touch of an existing file on a read-only mount is EROFS; on a writable one it succeeds", () => {
    const volume = new MemFS();
    volume.write("/default.conf", "x");
    const root = MemFS.rootfs();
    root.mkdir("/etc/nginx/conf.d", true);
    root.attach("/etc/nginx/conf.d", new MemFS(cell(volume.tree), true));
    expect(root.touch("/etc/nginx/conf.d/default.conf")).toBe("EROFS");
    expect(root.touch("/etc/nginx/conf.d/new")).toBe("EROFS");
    expect(volume.touch("/default.conf")).toBeUndefined();
  });

  it("splitPath gives the components the walk takes for any path, relative, trailing slashes, dots and all", () => {
    const piece = fc.constantFrom("", ".", "..", "...", "a", "bc", ".x", "x.", "a b", "é");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.boolean(), (pieces, absolute) => {
        const path = (absolute ? "/" : "") + pieces.join("/");
        expect(splitPath(path)).toEqual(componentsOf(path));
        expect(resolvePath("/tmp", path)).toBe("/" + componentsOf(path.startsWith("/") ? path : `/tmp/${path}`).join("/"));
      }),
      { numRuns: 1000 },
    );
    expect(splitPath("/etc/../proc/./1/")).toEqual(["proc", "1"]);
    expect(splitPath("/../..")).toEqual([]);
  });

  // every inode's lstat by path, walking directories (not links)
  function inodes(fs: MemFS, at = "/", out = new Map<string, unknown>()): Map<string, unknown> {
    const st = fs.stat(at, false);
    out.set(at, st);
    const names = fs.list(at);
    if (!("error" in st) && st.type === "dir" && Array.isArray(names)) for (const n of names) inodes(fs, at === "/" ? `/${n}` : `${at}/${n}`, out);
    return out;
  }

  it("touch and read as any user answer as utimensat(2) and open(2) do: a missing file made, times set by the owner or a writer, the rest refused and left as it was", () => {
    const names = ["/a", "/d", "/d/f", "/d/l", "/l", "/m"];
    const build = fc.array(
      fc.record({ op: fc.constantFrom("write", "mkdir", "symlink", "chmod", "chown"), path: fc.constantFrom(...names), target: fc.constantFrom("/d/f", "f", "/a", "/nope", "d"), mode: fc.constantFrom(0o600, 0o644, 0o666, 0o664, 0o755, 0o700, 0o1777), id: fc.constantFrom(0, 1000, 2000) }),
      { maxLength: 14 },
    );
    const who = fc.record({ uid: fc.constantFrom(0, 1000, 2000), gid: fc.constantFrom(0, 1000, 3000), groups: fc.constantFrom([], [2000]) });
    fc.assert(
      fc.property(build, who, fc.constantFrom(...names, "/d/l/x", "/l/f", "/new", "/d/new"), fc.boolean(), (ops, user, path, readOnly) => {
        const image = new MemFS();
        for (const o of ops) {
          if (o.op === "write") image.write(o.path, "data");
          else if (o.op === "mkdir") image.mkdir(o.path);
          else if (o.op === "symlink") image.symlink(o.target, o.path);
          else if (o.op === "chmod") image.chmod(o.path, o.mode);
          else image.chown(o.path, o.id, o.id);
        }
        const writer: FsWriter = { ...user, now: 5000 };
        const fs = new MemFS(cell(image.tree), readOnly, () => writer);
        const before = inodes(fs);
        const st = fs.stat(path);
        const readAnswer = fs.read(path);
        // open(2) for reading: the file's content when the caller may read it
        if ("error" in st) expect(readAnswer).toEqual({ error: st.error });
        else if (st.type === "dir") expect(readAnswer).toEqual({ error: "EISDIR" });
        else if (user.uid === 0 || (st.uid === user.uid ? st.mode & 0o400 : st.gid === user.gid || user.groups.includes(st.gid) ? st.mode & 0o40 : st.mode & 0o4)) expect(typeof readAnswer).toBe("string");
        else expect(readAnswer).toEqual({ error: "EACCES" });
        const made = new MemFS(cell(image.tree), readOnly, () => writer);
        const answer = fs.touch(path);
        if ("error" in st) {
          // a missing file: touch is an empty write, the same answer and the same tree
          expect(answer).toBe(made.write(path, ""));
          expect(fs.tree.equals(made.tree)).toBe(true);
          return;
        }
        const mayWrite = user.uid === 0 || st.uid === user.uid || (st.uid === user.uid ? st.mode & 0o200 : st.gid === user.gid || user.groups.includes(st.gid) ? st.mode & 0o20 : st.mode & 0o2);
        expect(answer).toBe(readOnly ? "EROFS" : mayWrite ? undefined : "EACCES");
        const after = inodes(fs);
        const real = fs.realpath(path) as string;
        for (const [p, s] of before) expect(after.get(p)).toEqual(answer === undefined && p === real ? { ...(s as object), mtime: 5000 } : s);
        expect(after.size).toBe(before.size);
      }),
      { numRuns: 500 },
    );
  });

  it("containers sharing an image's tree end with the trees they would have made from a copy of it nothing shares, whatever they write", () => {
    // every directory made again: no change made on it before can be reused
    const copy = (t: FsTree): FsTree => IMap([...t].map(([k, v]) => [k, IMap.isMap(v) ? copy(v as FsTree) : v])) as FsTree;
    const image = MemFS.rootfs();
    image.mkdir("/etc/nginx/conf.d", true);
    image.write("/etc/nginx/conf.d/default.conf", "listen 80;\n");
    const call = fc.record({ op: fc.constantFrom("write", "append", "mkdir", "remove", "touch", "chmod", "symlink"), path: fc.constantFrom("/etc/nginx/conf.d/default.conf", "/etc/os-release", "/tmp/a", "/tmp/d", "/tmp/d/b", "/etc/nginx/x"), data: fc.constantFrom("", "a\n", "listen [::]:80;\n"), now: fc.constantFrom(1, 2) });
    fc.assert(
      fc.property(fc.array(fc.array(call, { maxLength: 10 }), { minLength: 1, maxLength: 6 }), (containers) => {
        for (const calls of containers) {
          const at = { now: 0 };
          const writer = () => ({ uid: 0, gid: 0, now: at.now });
          const shared = new MemFS(cell(image.tree), false, writer);
          const alone = new MemFS(cell(copy(image.tree)), false, writer);
          expect(alone.tree).not.toBe(image.tree);
          for (const c of calls) {
            at.now = c.now;
            for (const fs of [shared, alone]) {
              if (c.op === "write") fs.write(c.path, c.data);
              else if (c.op === "append") fs.write(c.path, c.data, true);
              else if (c.op === "mkdir") fs.mkdir(c.path);
              else if (c.op === "remove") fs.remove(c.path, true);
              else if (c.op === "touch") fs.touch(c.path);
              else if (c.op === "chmod") fs.chmod(c.path, 0o600);
              else fs.symlink(c.data, c.path);
            }
            expect(is(shared.tree, alone.tree)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("capabilities in the permission checks (capabilities(7): chown_ok, chgrp_ok, inode_owner_or_capable, generic_permission)", () => {
  // /f: user 1000's, group 1000, 0600
  const image = () => {
    const fs = new MemFS();
    fs.write("/f", "data");
    fs.chmod("/f", 0o600);
    fs.chown("/f", 1000, 1000);
    return fs.tree;
  };
  const as = (w: Omit<FsWriter, "now">) => new MemFS(cell(image()), false, () => ({ ...w, now: 1 }));
  const rows: Array<[string, Omit<FsWriter, "now">, { read: boolean; chmod?: string; chownUid?: string; chgrpOwn?: string; chgrpOther?: string }]> = [
    ["root, caps unset: every one", { uid: 0, gid: 0 }, { read: true }],
    ["root with containerd's file caps", { uid: 0, gid: 0, caps: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER"] }, { read: true }],
    ["root with none (drop ALL)", { uid: 0, gid: 0, caps: [] }, { read: false, chmod: "EPERM", chownUid: "EPERM", chgrpOwn: "EPERM", chgrpOther: "EPERM" }],
    ["root with DAC_READ_SEARCH only", { uid: 0, gid: 0, caps: ["CAP_DAC_READ_SEARCH"] }, { read: true, chmod: "EPERM", chownUid: "EPERM", chgrpOwn: "EPERM", chgrpOther: "EPERM" }],
    ["the owner, no caps: chmod and a group of its own, not another's uid or group", { uid: 1000, gid: 1000, groups: [1000, 4000], caps: [] }, { read: true, chownUid: "EPERM", chgrpOther: "EPERM" }],
    ["another user, no caps", { uid: 2000, gid: 2000, caps: [] }, { read: false, chmod: "EPERM", chownUid: "EPERM", chgrpOwn: "EPERM", chgrpOther: "EPERM" }],
  ];
  for (const [name, w, want] of rows) {
    it(name, () => {
      expect(typeof as(w).read("/f") === "string").toBe(want.read);
      expect(as(w).chmod("/f", 0o644)).toBe(want.chmod);
      expect(as(w).chown("/f", 3000, -1)).toBe(want.chownUid);
      expect(as(w).chown("/f", -1, 4000)).toBe(want.chgrpOwn);
      expect(as(w).chown("/f", -1, 5000)).toBe(want.chgrpOther);
    });
  }
});
