// pkg/kubelet/userns's allocation: 65536 ids a pod, slots from 65536 (getKubeletMappings' default
// range, off = 1), a random slot then the first free one (randomScanStrategy), never one in use.
import { describe, expect, it } from "vitest";
import { allocateUserNamespace, userNsLength, wantsUserNamespace } from "./userns.js";

describe("the kubelet's user namespace manager", () => {
  it("gives each pod a 65536-aligned first id at or above 65536, the same for the same pod uid", () => {
    expect(userNsLength).toBe(65536);
    for (const uid of ["a", "b", "0b0c6f3e-1d2a-4c5e-9f00-123456789abc"]) {
      const id = allocateUserNamespace(uid, new Set())!;
      expect(id % 65536).toBe(0);
      expect(id).toBeGreaterThanOrEqual(65536);
      expect(id + 65536).toBeLessThanOrEqual(2 ** 32);
      expect(allocateUserNamespace(uid, new Set())).toBe(id);
    }
  });

  it("skips a slot another pod holds, to the next free one (wrapping from the last slot to the first)", () => {
    const id = allocateUserNamespace("pod-1", new Set())!;
    const next = id + 65536 >= 2 ** 32 ? 65536 : id + 65536;
    expect(allocateUserNamespace("pod-1", new Set([id]))).toBe(next);
  });

  it("only hostUsers: false asks for one (absent and true are the host's namespace)", () => {
    expect(wantsUserNamespace({ spec: { containers: [], hostUsers: false } })).toBe(true);
    expect(wantsUserNamespace({ spec: { containers: [], hostUsers: true } })).toBe(false);
    expect(wantsUserNamespace({ spec: { containers: [] } })).toBe(false);
  });
});
