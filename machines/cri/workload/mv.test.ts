// mv moves: the source is gone, a directory goes with its contents, and failures are worded as
// busybox's coreutils/mv.c (bb_perror_msg "can't rename '%s'") and GNU coreutils' mv word them.
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

function run(ref: string, script: string) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO();
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  const result = drive(p.run, io);
  return { out: io.out, err: io.err, result };
}
const busybox = (script: string) => run("busybox:1.36", script);

describe("mv", () => {
  it("renames a file: the new name has its content and the old one is gone", () => {
    const r = busybox("cd /tmp; echo hi > a; mv a b; cat b; ls; test -e a; echo $?");
    expect(r.out).toEqual(["hi", "b", "1"]);
    expect(r.err).toEqual([]);
  });

  it("moves a directory with everything under it", () => {
    const r = busybox("mkdir -p /tmp/d/sub; echo x > /tmp/d/sub/f; echo y > /tmp/d/g; mv /tmp/d /tmp/e; ls /tmp; ls /tmp/e; cat /tmp/e/sub/f /tmp/e/g");
    expect(r.out).toEqual(["e", "g", "sub", "x", "y"]);
  });

  it("moves sources into an existing directory under their own names (mv a dir/, mv a b dir)", () => {
    const r = busybox("cd /tmp; mkdir dir; echo 1 > a; echo 2 > b; echo 3 > c; mv a dir/; mv b c dir; ls; ls dir; cat dir/a dir/c");
    expect(r.out).toEqual(["dir", "a", "b", "c", "1", "3"]);
  });

  it("says busybox's can't rename with rename's errno and exits 1", () => {
    // a missing source: rename(2) fails ENOENT; a directory onto a non-empty one: ENOTEMPTY; a file onto a directory: EISDIR
    const r = busybox("cd /tmp; mv x y; echo $?; mkdir -p d e/d; touch e/d/f f; mv d e; echo $?; mkdir -p g/f; mv f g; echo $?");
    expect(r.out).toEqual(["1", "1", "1"]);
    expect(r.err).toEqual([
      "mv: can't rename 'x': No such file or directory",
      "mv: can't rename 'd': Directory not empty",
      "mv: can't rename 'f': Is a directory",
    ]);
  });

  it("says GNU mv's cannot stat for a missing source on a Debian image", () => {
    const r = run("debian:bookworm", "cd /tmp; mv x y; echo $?; touch a; mv a nodir/b; echo $?");
    expect(r.out).toEqual(["1", "1"]);
    expect(r.err).toEqual(["mv: cannot stat 'x': No such file or directory", "mv: cannot move 'a' to 'nodir/b': No such file or directory"]);
  });
});
