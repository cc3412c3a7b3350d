// fileKeyRef end to end through createCluster: the docs' task "Define Environment Variable Values
// Using An Init Container" (content/en/examples/pods/inject/envars-file-container.yaml) and the
// cases of Kubernetes' e2e test test/e2e/common/node/file_key.go: an init container writes the
// env file into an emptyDir, the kubelet reads it when it creates the consuming container.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { containerLogs } from "../../runtime/server/logs.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
async function cluster(): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 7 });
  await c.settle();
  return c;
}

async function logs(c: Cluster, name: string, container: string): Promise<string[]> {
  const p = c.get("Pod", name, "default");
  const s = [...(p.status.initContainerStatuses ?? []), ...p.status.containerStatuses].find((x: any) => x.name === container);
  const lines = containerLogs(c as never, p.spec.nodeName, s.containerID.replace(/^[a-z]+:\/\//, ""));
  await c.settle();
  return (await lines).map((l) => l.line);
}

/** An init container that runs `write` with the emptyDir "config" at /data, and one container with env. */
const envFilePod = (name: string, image: string, write: string, command: string[], env: any[]) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: {
    initContainers: [{ name: "setup-envfile", image, command: ["sh", "-c", write], volumeMounts: [{ name: "config", mountPath: "/data" }] }],
    containers: [{ name: "use-envfile", image, command, env }],
    restartPolicy: "Never",
    volumes: [{ name: "config", emptyDir: {} }],
  },
});
const fileKeyRef = (name: string, key: string, optional?: boolean) =>
  ({ name, valueFrom: { fileKeyRef: { path: "config.env", volumeName: "config", key, ...(optional === undefined ? {} : { optional }) } } });

describe("fileKeyRef (EnvFiles)", () => {
  it("the docs' envars-file-container.yaml: the container's env shows DB_ADDRESS=address", async () => {
    const c = await cluster();
    // the manifest's command as go-yaml reads it; nginx's sh is dash, whose echo turns \n into a newline
    await c.apply(envFilePod("envfile-test-pod", "nginx", `echo "DB_ADDRESS='address'\\nREST_ENDPOINT='endpoint'" > /data/config.env`, ["/bin/sh", "-c", "env"],
      [fileKeyRef("DB_ADDRESS", "DB_ADDRESS", false)]));
    await c.settle();
    const p = c.get("Pod", "envfile-test-pod", "default");
    expect(p.status.phase).toBe("Succeeded");
    expect((await logs(c, "envfile-test-pod", "use-envfile")).filter((l) => l.includes("DB_ADDRESS"))).toEqual(["DB_ADDRESS=address"]);
    await c.stop();
  });

  it("optional defaults to false (FileKeySelector's +default=false)", async () => {
    const c = await cluster();
    await c.apply(envFilePod("defaulted", "busybox", "echo \"K='v'\" > /data/config.env", ["sh", "-c", "true"], [fileKeyRef("K", "K")]));
    await c.settle();
    expect(c.get("Pod", "defaulted", "default").spec.containers[0].env[0].valueFrom.fileKeyRef).toEqual({ volumeName: "config", path: "config.env", key: "K", optional: false });
    await c.stop();
  });

  it("should handle optional missing file or key: the optional variable is not set", async () => {
    const c = await cluster();
    await c.apply(envFilePod("optional", "busybox", "echo \"EXISTING_KEY='value'\" > /data/config.env", ["sh", "-c", "env | grep -E '(EXISTING_KEY|OPTIONAL_MISSING_KEY)' | sort"],
      [fileKeyRef("EXISTING_KEY", "EXISTING_KEY"), fileKeyRef("OPTIONAL_MISSING_KEY", "OPTIONAL_MISSING_KEY", true)]));
    await c.settle();
    expect(c.get("Pod", "optional", "default").status.phase).toBe("Succeeded");
    expect(await logs(c, "optional", "use-envfile")).toEqual(["EXISTING_KEY=value"]);
    await c.stop();
  });

  it("should fail when file or key does not exist: CreateContainerConfigError, with the kubelet's message in the status and the event", async () => {
    const c = await cluster();
    await c.apply(envFilePod("missing-key", "busybox", "echo \"EXISTING_KEY='value'\" > /data/config.env", ["sh", "-c", "echo $MISSING_KEY"], [fileKeyRef("MISSING_KEY", "MISSING_KEY")]));
    await c.settle();
    const p = c.get("Pod", "missing-key", "default");
    const message = `environment variable key "MISSING_KEY" not found in file "/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~empty-dir/config/config.env"`;
    expect(p.status.phase).toBe("Pending");
    expect(p.status.containerStatuses[0].state).toEqual({ waiting: { reason: "CreateContainerConfigError", message } });
    const failed = c.events().filter((e: any) => e.involvedObject.name === "missing-key" && e.reason === "Failed");
    expect(failed.map((e: any) => e.message)).toEqual([`Error: ${message}`]);
    await c.stop();
  });

  it("a file that is not there, or not in the format: couldn't parse env file (optional or not)", async () => {
    const c = await cluster();
    await c.apply(envFilePod("no-file", "busybox", "true", ["sh", "-c", "true"], [fileKeyRef("K", "K", true)]));
    await c.apply(envFilePod("unquoted", "busybox", "echo 'K=v' > /data/config.env", ["sh", "-c", "true"], [fileKeyRef("K", "K")]));
    await c.settle();
    for (const name of ["no-file", "unquoted"]) {
      expect(c.get("Pod", name, "default").status.containerStatuses[0].state).toEqual({ waiting: { reason: "CreateContainerConfigError", message: "couldn't parse env file" } });
    }
    await c.stop();
  });

  it("a file written later is read on the kubelet's next attempt", async () => {
    const c = await cluster();
    await c.apply({
      apiVersion: "v1", kind: "Pod", metadata: { name: "later" },
      spec: {
        containers: [
          { name: "writer", image: "busybox", command: ["sh", "-c", "sleep 5; echo \"K='late'\" > /data/config.env; sleep 3600"], volumeMounts: [{ name: "config", mountPath: "/data" }] },
          { name: "reader", image: "busybox", command: ["sh", "-c", "echo K=$K; sleep 3600"], env: [fileKeyRef("K", "K")] },
        ],
        volumes: [{ name: "config", emptyDir: {} }],
      },
    });
    await c.settle();
    expect(c.get("Pod", "later", "default").status.containerStatuses.find((s: any) => s.name === "reader").state.waiting.reason).toBe("CreateContainerConfigError");
    c.advance(30_000);
    await c.settle();
    expect(c.get("Pod", "later", "default").status.containerStatuses.find((s: any) => s.name === "reader").state.running).toBeDefined();
    expect(await logs(c, "later", "reader")).toEqual(["K=late"]);
    await c.stop();
  });
});
