// Round nineteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output. The
// last is an invariant of the random search, added for a round-nineteen mutant it could not see:
// an event the kubelet records about a container names it by its pod spec's list
// (pkg/kubelet/container/ref.go fieldPath: spec.initContainers{name} for an init container).
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type Violation } from "../invariants/index.js";

afterEach(() => setMutants([]));

const small = { requests: { cpu: "10m", memory: "16Mi" } };

/** A small run with a pod whose init container runs before its app container, judged by the named invariants. */
async function invariantRun(names: string[]): Promise<Violation[]> {
  const c = createCluster({ nodes: 1, seed: 19, clock: "simulated" });
  const checker = new InvariantChecker(c.runtime, invariants.filter((s) => names.includes(s.name)));
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  try {
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "prepared", namespace: "default" }, spec: { initContainers: [{ name: "init", image: "busybox:1.36", command: ["sh", "-c", "sleep 1"], resources: small }], containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } },
    ]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    return seen;
  } finally {
    await c.stop();
  }
}

describe("round nineteen's invariants of the random search", () => {
  it("kubeletEventNamesItsContainer holds for the kubelet and reports kubelet.event-init-container-field-path", async () => {
    expect(await invariantRun(["kubeletEventNamesItsContainer"])).toEqual([]);
    setMutants(["kubelet.event-init-container-field-path"]);
    const seen = await invariantRun(["kubeletEventNamesItsContainer"]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((v) => v.message)).toContainEqual(expect.stringContaining("with fieldPath spec.containers{init}, but the pod's spec lists that container as spec.initContainers{init}"));
  });
});
