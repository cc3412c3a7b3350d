// A `sh -c` run by a shell is a child process (fork, then exec): POSIX 2.12's shell execution
// environment is its own, so it sees only exported variables and none of its parent's
// positional parameters, and nothing it changes comes back to the parent.
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

function run(ref: string, command: string[]) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO();
  const p = startContainer({ image: found.image, command, env: { FROM_POD: "p" }, fs: io.fs }, io);
  const result = drive(p.run, io);
  return { out: io.out, err: io.err, result };
}

describe.each([["busybox ash", "busybox:1.36"], ["dash", "debian:12"]])("%s: a nested sh -c", (_name, image) => {
  const sh = (script: string, ...args: string[]) => run(image, ["sh", "-c", script, ...args]);

  it("has its own positional parameters, and its caller keeps its own", () => {
    expect(sh(`sh -c 'echo "[$#] [$0] [$1]"'; sh -c 'echo "[$#] [$0] [$1]"' inner x; echo "[$#] [$0] [$1] [$2]"`, "outer", "a", "b").out)
      .toEqual(["[0] [sh] []", "[1] [inner] [x]", "[2] [outer] [a] [b]"]);
  });

  it("does not see its caller's set -- and cannot change it", () => {
    expect(sh(`set -- a b; sh -c 'echo "[$@]"; set -- z'; echo "[$@]"`).out).toEqual(["[]", "[a b]"]);
  });

  it("sees exported variables only; its assignments and cd stay its own", () => {
    expect(sh(`X=1; export Y=2; sh -c 'echo "[$X] [$Y] [$FROM_POD]"; Y=3; Z=4; cd /tmp'; echo "[$Y] [$Z] $(pwd)"`).out)
      .toEqual(["[] [2] [p]", "[2] [] /"]);
  });
});

describe("a nested shell of another kind", () => {
  // dash's own errors keep `sh: LINE:` after a bash child has run
  it("dash: bash -c inside sh -c leaves the caller dash", () => {
    expect(run("debian:12", ["sh", "-c", "bash -c true; nosuch"]).err).toEqual(["sh: 1: nosuch: not found"]);
  });
});
