// subPathExpr end to end through createCluster, with the pods of Kubernetes' conformance tests
// (test/e2e/common/node/expansion.go, VolumeSubpathEnvExpansion): the expanded subdirectory of
// the volume is what the container sees at its mountPath; an expansion to an absolute path or to
// ".." leaves the container Waiting in CreateContainerConfigError; one that needs an annotation
// the pod does not have yet starts once the annotation is added.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { containerLogs } from "../../runtime/server/logs.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
async function cluster(): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 7 });
  await c.settle();
  return c;
}

async function logs(c: Cluster, name: string): Promise<string[]> {
  const p = c.get("Pod", name, "default");
  const lines = containerLogs(c as never, p.spec.nodeName, p.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
  await c.settle();
  return (await lines).map((l) => l.line);
}

/** newPod of expansion.go: one busybox container dapi-container, restartPolicy Never. */
const newPod = (name: string, command: string[] | undefined, env: any[], mounts: any[], annotations?: Record<string, string>) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, labels: { name }, ...(annotations ? { annotations } : {}) },
  spec: {
    restartPolicy: "Never",
    containers: [{ name: "dapi-container", image: "registry.k8s.io/e2e-test-images/busybox:1.37.0-1", ...(command ? { command } : {}), env, volumeMounts: mounts }],
    volumes: [{ name: "workdir1", emptyDir: {} }],
  },
});

describe("subPathExpr (VolumeSubpathEnvExpansion conformance)", () => {
  it("should allow substituting values in a volume subpath: the directory named by POD_NAME exists in the volume", async () => {
    const c = await cluster();
    const name = "var-expansion-1";
    await c.apply(newPod(name, ["sh", "-c", `test -d /testcontainer/${name};echo $?`], [{ name: "POD_NAME", value: name }],
      [{ name: "workdir1", mountPath: "/logscontainer", subPathExpr: "$(POD_NAME)" }, { name: "workdir1", mountPath: "/testcontainer" }]));
    await c.settle();
    expect(c.get("Pod", name, "default").status.phase).toBe("Succeeded");
    expect(await logs(c, name)).toEqual(["0"]);
    await c.stop();
  });

  it.each([
    ["backticks (a value of ..)", "..", "unable to provision SubPath `..`: must not contain '..'"],
    ["absolute path", "/tmp", "error SubPath `/tmp` must not be an absolute path"],
  ])("should fail substituting values in a volume subpath with %s: CreateContainerConfigError", async (_n, value, message) => {
    const c = await cluster();
    await c.apply(newPod("var-expansion-2", undefined, [{ name: "POD_NAME", value }], [{ name: "workdir1", mountPath: "/logscontainer", subPathExpr: "$(POD_NAME)" }]));
    await c.settle();
    c.advance(10_000);
    await c.settle();
    const p = c.get("Pod", "var-expansion-2", "default");
    expect(p.status.phase).toBe("Pending");
    expect(p.status.containerStatuses[0].state).toEqual({ waiting: { reason: "CreateContainerConfigError", message } });
    const failed = c.events().filter((e: any) => e.involvedObject.name === "var-expansion-2" && e.reason === "Failed");
    expect(failed.map((e: any) => e.message)).toContain(`Error: ${message}`);
    await c.stop();
  });

  const annotated = (annotations: Record<string, string>, command: string) => newPod("var-expansion-3", ["sh", "-c", command],
    [{ name: "POD_NAME", value: "foo" }, { name: "ANNOTATION", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.annotations['mysubpath']" } } }],
    [{ name: "workdir1", mountPath: "/subpath_mount", subPathExpr: "$(ANNOTATION)/$(POD_NAME)" }, { name: "workdir1", mountPath: "/volume_mount" }], annotations);

  it("should verify that a failing subpath expansion can be modified during the lifecycle of a container: it runs once the annotation exists", async () => {
    const c = await cluster();
    await c.apply(annotated({ notmysubpath: "mypath" }, "tail -f /dev/null"));
    await c.settle();
    c.advance(5_000);
    await c.settle();
    const waiting = c.get("Pod", "var-expansion-3", "default");
    expect(waiting.status.containerStatuses[0].state.waiting).toEqual({ reason: "CreateContainerConfigError", message: "missing value for ANNOTATION" });
    expect(c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "var-expansion-3", patchType: "merge", body: { metadata: { annotations: { mysubpath: "mypath" } } } }).ok).toBe(true);
    c.advance(30_000);
    await c.settle();
    const p = c.get("Pod", "var-expansion-3", "default");
    expect(p.status.phase).toBe("Running");
    expect(p.status.containerStatuses[0].state.running).toBeDefined();
    await c.stop();
  });

  it("should succeed in writing subpaths in container: a file written under the volume's mypath/foo is the subpath mount's", async () => {
    const c = await cluster();
    await c.apply(annotated({ mysubpath: "mypath" }, "touch /volume_mount/mypath/foo/test.log; test -f /subpath_mount/test.log; echo $?; echo hi > /subpath_mount/b; cat /volume_mount/mypath/foo/b"));
    await c.settle();
    expect(await logs(c, "var-expansion-3")).toEqual(["0", "hi"]);
    await c.stop();
  });
});
