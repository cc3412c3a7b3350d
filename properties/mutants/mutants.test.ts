// Deliberately broken variants, built from the outside (wrapping the runtime's sends), each of
// which the checker must catch with a short counterexample.
import { describe, it, expect } from "vitest";
import { assign } from "xstate";
import type { Cluster } from "../../runtime/cluster.js";
import { runSpec, exampleObjects, type RunSpec } from "../run.js";
import * as L from "../../machines/apiserver/apiserver.logic.js";
import type { ApiServerContext } from "../../machines/apiserver/apiserver.logic.js";

const nginx = (commands: RunSpec["commands"] = []): RunSpec => ({ scenario: "nginx", seed: 1, nodes: 1, steps: 600, faults: [], commands: [...exampleObjects("nginx").map((obj) => ({ op: "apply" as const, at: 0, obj })), ...commands] });

/** An informer that loses the first Pod event its watch delivers to the scheduler. */
function informerDropsOneWatchEvent(c: Cluster): void {
  let dropped = false;
  c.runtime.sendHook = (from, to, msg) => {
    if (dropped || from !== "apiserver" || to !== "scheduler" || msg.type !== "WatchEvent" || msg.object?.kind !== "Pod") return false;
    dropped = true;
    return true;
  };
}

/** CNI DEL sent as soon as the kubelet asks the CRI to stop the sandbox, before the stop lands. */
function ipamReleasesBeforeSandboxStops(c: Cluster): void {
  c.runtime.sendHook = (from, to, msg) => {
    if (msg.type !== "StopPodSandbox" || !to.startsWith("cri/")) return false;
    c.runtime.post(from, to, msg);
    c.runtime.clog(from, to, 100);
    c.runtime.post("mutant", `cni/${to.slice(4)}`, { type: "CniDel", id: -1, sandboxId: msg.sandboxId });
    return true;
  };
}

/** An API server whose admission throws on every Pod: the runtime catches it, the checker must not let it pass. */
function admissionThrowsOnPods(c: Cluster): void {
  c.runtime.replace("apiserver", (m) =>
    m.provide({
      actions: {
        runMutatingAdmission: assign(({ context }: { context: ApiServerContext }) => {
          if (context.current?.r?.kind === "Pod") throw new TypeError("Cannot read properties of undefined (reading 'containers')");
          return L.runMutatingAdmission(context);
        }),
      },
    } as never),
  );
}

describe("mutants are caught", () => {
  it("a machine that throws while handling a request is caught by noInternalErrors, with the actor, event and message", () => {
    const r = runSpec(nginx(), { prepare: admissionThrowsOnPods });
    expect(r.violations).toEqual([{ invariant: "noInternalErrors", message: expect.stringMatching(/^apiserver threw while handling \w+ at t=\d+: Cannot read properties of undefined \(reading 'containers'\)$/) }]);
  });
  it("an informer that drops one watch event is caught by watchNeverSkipsOrRepeats", () => {
    const r = runSpec(nginx(), { prepare: informerDropsOneWatchEvent });
    expect(r.violations.map((v) => v.invariant)).toContain("watchNeverSkipsOrRepeats");
    expect(r.steps).toBeLessThan(100);
  });
  it("IPAM releasing on DEL before the sandbox stops is caught by ipReleasedOnlyAfterSandboxGone", () => {
    const r = runSpec(nginx([{ op: "delete", at: 200, kind: "Pod", name: "nginx" }]), { prepare: ipamReleasesBeforeSandboxStops });
    expect(r.violations.map((v) => v.invariant)).toContain("ipReleasedOnlyAfterSandboxGone");
  });
  it("the same runs without the mutation keep every invariant", () => {
    expect(runSpec(nginx([{ op: "delete", at: 200, kind: "Pod", name: "nginx" }])).violations).toEqual([]);
  });
});
