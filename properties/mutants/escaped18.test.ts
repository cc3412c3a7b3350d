// Round eighteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// apparmor/helpers.go GetProfile takes the container's field before the deprecated annotation;
// ValidatePodConditions requires a qualified name for a condition type of one's own;
// PersistentVolumeClaimVolumeSource.readOnly forces the mounts read-only; a fields.Selector `!=`
// matches every value but the one named. The last two are invariants of the random search, added
// for round seventeen's escapes it could not see: the TTL-after-finished controller deletes in the
// foreground (ttlafterfinished_controller.go processJob), and a container runs with its own seccomp
// profile before its pod's (kuberuntime/helpers.go getSeccompProfile).
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type Violation } from "../invariants/index.js";
import { appArmorProfile } from "../../machines/kubelet/apparmor.js";
import { validateUpdate } from "../../machines/apiserver/validation/index.js";

afterEach(() => setMutants([]));

const small = { requests: { cpu: "10m", memory: "16Mi" } };

/** A container's own Unconfined AppArmor profile wins over its annotation's localhost profile. */
function appArmorFieldWins(): boolean {
  const pod = { metadata: { name: "p", annotations: { "container.apparmor.security.beta.kubernetes.io/c": "localhost/from-annotation" } }, spec: { containers: [] } };
  return appArmorProfile(pod, { name: "c", securityContext: { appArmorProfile: { type: "Unconfined" } } })?.type === "Unconfined";
}

/** A pod status condition whose type is not a qualified name is refused. */
function podConditionTypeChecked(): boolean {
  const pod = (conditions?: object[]) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", uid: "u", resourceVersion: "1" }, spec: { containers: [{ name: "c", image: "busybox:1.36", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }], restartPolicy: "Always", dnsPolicy: "ClusterFirst" }, ...(conditions ? { status: { conditions } } : {}) });
  return validateUpdate(pod([{ type: "not a name!", status: "True" }]), pod(), "status").some((e) => e.field === "status.conditions[0].Type");
}

/** A pod whose claim volume is readOnly cannot write to it: its log says "refused". */
async function claimReadOnlyRefusesWrites(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
  try {
    const user = (name: string, readOnly: boolean) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { restartPolicy: "Never", volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data", ...(readOnly ? { readOnly } : {}) } }], containers: [{ name, image: "busybox:1.36", command: ["sh", "-c", `echo x > /data/${name} && echo wrote || echo refused`], volumeMounts: [{ name: "d", mountPath: "/data" }] }] } });
    await c.apply([{ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: "default" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }, user("writer", false)]);
    await c.settle();
    await c.apply(user("reader", true));
    await c.settle();
    const cri = (c.runtime.snapshot("cri/node-1") as any).context.containers as Map<string, any>;
    const log = [...cri.values()].filter((x) => x.name === "reader").flatMap((x) => x.logs.toArray().map((l: any) => l.line)).join("\n");
    return log.includes("refused") && !log.includes("wrote");
  } finally {
    await c.stop();
  }
}

/** spec.nodeName!=node-1 lists the pod on node-2. */
async function nodeNameNotEqualListsOtherPods(): Promise<boolean> {
  const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
  try {
    const pod = (name: string, nodeName: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { nodeName, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] } });
    await c.apply([pod("one", "node-1"), pod("two", "node-2")]);
    await c.settle();
    const res = await c.request({ verb: "list", group: "", resource: "pods", namespace: "default", fieldSelector: "spec.nodeName!=node-1" });
    return res.ok && res.object.items.map((o: any) => o.metadata.name).join(",") === "two";
  } finally {
    await c.stop();
  }
}

describe("round eighteen's escapes", () => {
  it("kubelet.apparmor-annotation-over-field: the container's field wins over its annotation", () => {
    expect(appArmorFieldWins()).toBe(true);
    setMutants(["kubelet.apparmor-annotation-over-field"]);
    expect(appArmorFieldWins()).toBe(false);
  });

  it("validation.pod-condition-type-unchecked: a condition type that is not a qualified name is refused", () => {
    expect(podConditionTypeChecked()).toBe(true);
    setMutants(["validation.pod-condition-type-unchecked"]);
    expect(podConditionTypeChecked()).toBe(false);
  });

  it("kubelet.claim-read-only-ignored: a readOnly claim volume refuses writes", async () => {
    expect(await claimReadOnlyRefusesWrites()).toBe(true);
    setMutants(["kubelet.claim-read-only-ignored"]);
    expect(await claimReadOnlyRefusesWrites()).toBe(false);
  });

  it("apiserver.node-name-not-equal-indexed: spec.nodeName!= lists the other nodes' pods", async () => {
    expect(await nodeNameNotEqualListsOtherPods()).toBe(true);
    setMutants(["apiserver.node-name-not-equal-indexed"]);
    expect(await nodeNameNotEqualListsOtherPods()).toBe(false);
  });
});

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
