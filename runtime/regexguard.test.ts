// A pod's own pattern must not stall the process its containers share with the control plane.
import { describe, expect, it } from "vitest";
import { resolveImage } from "../machines/cri/registry.js";
import { startContainer } from "../machines/cri/workload/index.js";
import { drive, recordingIO } from "../machines/cri/workload/testkit.js";
import { guardRegexBacktracking } from "./regexguard.js";

describe("guardRegexBacktracking", () => {
  it("lets grep -E and sed finish a catastrophically backtracking pattern with busybox's answer", () => {
    guardRegexBacktracking();
    const found = resolveImage("busybox:1.36");
    if (!found.ok) throw new Error(found.message);
    const io = recordingIO();
    const input = `${"a".repeat(40)}!`;
    const script = `echo ${input} | grep -E '^(a|a)*$'; echo $?; echo ${input} | sed -E 's/^(a|a)*$/x/'`;
    const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
    drive(p.run, io);
    // no line matches (grep exits 1); sed prints the unmatched line unchanged
    expect(io.out).toEqual(["1", input]);
  }, 20_000);
});
