// The busybox image's /bin: docker-library/busybox's Dockerfile runs `chroot rootfs /bin/busybox
// --install /bin`, so every applet is a hard link in /bin, listed by ls in strcmp order ("[" before letters).
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { createRootfs } from "./images.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

function busybox(script: string) {
  const found = resolveImage("busybox:1.36");
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO({}, createRootfs(found.image));
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  drive(p.run, io);
  return { out: io.out, err: io.err };
}

describe("busybox image /bin", () => {
  it("lists the applets, sorted as busybox's ls sorts them", () => {
    const r = busybox("ls /bin | grep -E '^(\\[|\\[\\[|ash|busybox|cat|ls|mv|sh|wget)$'");
    expect(r.out).toEqual(["[", "[[", "ash", "busybox", "cat", "ls", "mv", "sh", "wget"]);
  });

  it("has each applet as a non-empty file (a link to the binary)", () => {
    expect(busybox("test -f /bin/sh && test -s /bin/busybox && test -f /bin/mv && echo yes").out).toEqual(["yes"]);
  });
});
