// Ephemeral containers, as the docs' "Debug Running Pods" page uses them (kubectl debug): added
// only through pods/<name>/ephemeralcontainers, started by the kubelet once, never restarted, not
// counted in the pod's phase or readiness, and reported in status.ephemeralContainerStatuses.
// Expectations come from that page, the pod strategy (dropNonEphemeralContainerUpdates) and the
// kubelet's computePodActions.

import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

async function withPod(manifest: string): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 11 });
  await c.settle();
  await c.apply(manifest);
  await c.settle();
  return c;
}

// The docs' ephemeral-demo pod: a pause container, with no shell to exec into.
const ephemeralDemo = `
apiVersion: v1
kind: Pod
metadata:
  name: ephemeral-demo
  labels: {app: demo}
spec:
  containers:
  - name: ephemeral-demo
    image: registry.k8s.io/pause:3.1
`;

function addEphemeral(c: Cluster, name: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return c.requestSync({
    verb: "patch", group: "", resource: "pods", namespace: "default", name, subresource: "ephemeralcontainers", patchType: "strategic",
    body: { ...extra, spec: { ephemeralContainers: [container] } },
  });
}

describe("ephemeral containers", () => {
  it("a debugger added through the subresource starts in the running pod and is reported in ephemeralContainerStatuses", async () => {
    const c = await withPod(ephemeralDemo);
    const before = c.get("Pod", "ephemeral-demo", "default");
    const r = addEphemeral(c, "ephemeral-demo", { name: "debugger-8xzrl", image: "busybox:1.28", stdin: true, tty: true, targetContainerName: "ephemeral-demo" });
    expect(r.code).toBe(200);
    // The subresource answers with the pod; its generation counts the spec change.
    expect(r.object.kind).toBe("Pod");
    expect(r.object.metadata.generation).toBe(before.metadata.generation + 1);
    // Defaulted like any container of a pod.
    expect(r.object.spec.ephemeralContainers[0]).toMatchObject({ imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    await c.settle();
    const pod = c.get("Pod", "ephemeral-demo", "default");
    expect(pod.status.phase).toBe("Running");
    const [st] = pod.status.ephemeralContainerStatuses;
    expect(st.name).toBe("debugger-8xzrl");
    expect(st.state.running).toBeDefined();
    expect(st.ready).toBe(false);
    expect(st.restartCount).toBe(0);
    expect(st.image).toBe("docker.io/library/busybox:1.28");
    expect(st.started).toBeUndefined();
    // The regular container kept running throughout.
    expect(pod.status.containerStatuses[0].restartCount).toBe(0);
    const events = c.events({ namespace: "default" }).filter((e) => e.involvedObject.fieldPath === "spec.ephemeralContainers{debugger-8xzrl}").map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(["Pulling", "Pulled", "Created", "Started"]));
  });

  it("an ephemeral container that exits is never restarted, whatever the restart policy, and the pod stays Running and Ready", async () => {
    const c = await withPod(ephemeralDemo);
    expect(addEphemeral(c, "ephemeral-demo", { name: "once", image: "busybox:1.28", command: ["sh", "-c", "exit 3"] }).code).toBe(200);
    await c.settle();
    c.advance(120_000);
    await c.settle();
    const pod = c.get("Pod", "ephemeral-demo", "default");
    const [st] = pod.status.ephemeralContainerStatuses;
    expect(st.state.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    expect(st.restartCount).toBe(0);
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.conditions.find((x: any) => x.type === "Ready").status).toBe("True");
    expect(c.events({ namespace: "default" }).filter((e) => e.involvedObject.fieldPath === "spec.ephemeralContainers{once}" && e.reason === "Started")).toHaveLength(1);
  });

  it("the subresource changes nothing but the ephemeral containers: labels and other spec fields in the body are dropped", async () => {
    const c = await withPod(ephemeralDemo);
    const r = addEphemeral(c, "ephemeral-demo", { name: "dbg", image: "busybox:1.28" }, { metadata: { labels: { app: "changed" } } });
    expect(r.code).toBe(200);
    const pod = c.get("Pod", "ephemeral-demo", "default");
    expect(pod.metadata.labels).toEqual({ app: "demo" });
    expect(pod.spec.ephemeralContainers.map((x: any) => x.name)).toEqual(["dbg"]);
  });

  it("ephemeral containers cannot be set on create, added by a pod update, or removed through the subresource", async () => {
    const c = await withPod(ephemeralDemo);
    const create = await c.apply(`
apiVersion: v1
kind: Pod
metadata: {name: born-with-one}
spec:
  containers: [{name: a, image: nginx}]
  ephemeralContainers: [{name: dbg, image: busybox}]
`).catch((e) => e);
    expect(String(create.message ?? create)).toContain("spec.ephemeralContainers: Forbidden: cannot be set on create");
    const pod = c.get("Pod", "ephemeral-demo", "default");
    const update = c.requestSync({ verb: "update", group: "", resource: "pods", namespace: "default", name: "ephemeral-demo", body: { ...pod, spec: { ...pod.spec, ephemeralContainers: [{ name: "dbg", image: "busybox", imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" }] } } });
    expect(update.code).toBe(422);
    expect(update.status.message).toContain("Forbidden: pod updates may not change fields other than");
    expect(addEphemeral(c, "ephemeral-demo", { name: "dbg", image: "busybox:1.28" }).code).toBe(200);
    const removed = c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "ephemeral-demo", subresource: "ephemeralcontainers", patchType: "json", body: [{ op: "remove", path: "/spec/ephemeralContainers/0" }] });
    expect(removed.code).toBe(422);
    expect(removed.status.details.causes).toEqual([expect.objectContaining({ reason: "FieldValueForbidden", field: "spec.ephemeralContainers" })]);
    expect(c.get("Pod", "ephemeral-demo", "default").spec.ephemeralContainers).toHaveLength(1);
  });

  it("deleting the pod stops its ephemeral container with the others", async () => {
    const c = await withPod(ephemeralDemo);
    expect(addEphemeral(c, "ephemeral-demo", { name: "dbg", image: "busybox:1.28", command: ["sleep", "3600"] }).code).toBe(200);
    await c.settle();
    expect(c.get("Pod", "ephemeral-demo", "default").status.ephemeralContainerStatuses[0].state.running).toBeDefined();
    await c.delete("Pod", "ephemeral-demo", "default");
    c.advance(60_000);
    await c.settle();
    expect(c.list("Pod", { namespace: "default" }).map((p) => p.metadata.name)).not.toContain("ephemeral-demo");
  });
});
