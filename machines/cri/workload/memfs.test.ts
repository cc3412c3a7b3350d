// The container filesystem's values: the same change of the same tree is one shared value (the
// containers of an image all make it: nginx's entrypoint edits default.conf), and a read-only
// mount refuses touch of an existing file as the kernel refuses its utimes.

import { describe, expect, it } from "vitest";
import { cell, MemFS } from "./memfs.js";

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
});
