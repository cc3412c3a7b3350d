// Round eighteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output (each
// check names its source). The last two are invariants of the random search, added for round
// seventeen's escapes it could not see: the TTL-after-finished controller deletes in the foreground
// (ttlafterfinished_controller.go processJob), and a container runs with its own seccomp profile
// before its pod's (kuberuntime/helpers.go getSeccompProfile).
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type Violation } from "../invariants/index.js";

afterEach(() => setMutants([]));

const small = { requests: { cpu: "10m", memory: "16Mi" } };

/** The round's invariants over a small run: a Job cleaned up by its TTL, and a pod whose seccomp profiles differ by level. */
async function invariantRun(names: string[]): Promise<Violation[]> {
  const c = createCluster({ nodes: 1, seed: 18, clock: "simulated" });
  const checker = new InvariantChecker(c.runtime, invariants.filter((s) => names.includes(s.name)));
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  await c.apply([
    { apiVersion: "batch/v1", kind: "Job", metadata: { name: "short", namespace: "default" }, spec: { completions: 2, ttlSecondsAfterFinished: 3, template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 2, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 1"], resources: small }] } } } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "hasty", namespace: "default" }, spec: { securityContext: { seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], securityContext: { seccompProfile: { type: "Unconfined" } }, resources: small }, { name: "d", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } },
  ]);
  await c.settle();
  c.advance(60_000);
  await c.settle();
  return seen;
}

describe("round eighteen's invariants of the random search", () => {
  it("jobDeletedByTTLInTheForeground holds for the TTL-after-finished controller and reports ttlafterfinished.deletes-in-background", async () => {
    expect(await invariantRun(["jobDeletedByTTLInTheForeground"])).toEqual([]);
    setMutants(["ttlafterfinished.deletes-in-background"]);
    const seen = await invariantRun(["jobDeletedByTTLInTheForeground"]);
    expect(seen.map((v) => v.invariant)).toContain("jobDeletedByTTLInTheForeground");
  });

  it("containerRunsWithItsSeccompProfile holds for the kubelet and reports kubelet.seccomp-pod-profile-wins", async () => {
    expect(await invariantRun(["containerRunsWithItsSeccompProfile"])).toEqual([]);
    setMutants(["kubelet.seccomp-pod-profile-wins"]);
    const seen = await invariantRun(["containerRunsWithItsSeccompProfile"]);
    expect(seen.map((v) => v.message)).toEqual([expect.stringContaining("created container c of pod default/hasty with seccomp RuntimeDefault, but its spec asks for Unconfined")]);
  });
});
