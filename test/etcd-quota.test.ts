// etcd's space quota seen from Kubernetes' side: once etcd has raised NOSPACE, the API server passes
// its error on as it passes on any storage error it does not translate (500, the error as the
// message, so kubectl prints "Error from server: etcdserver: mvcc: database space exceeded"),
// reads and deletes still work, and the operator's way out is etcd's maintenance guide: compact,
// defragment, disarm the alarm.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster } from "../runtime/cluster.js";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const NOSPACE = "etcdserver: mvcc: database space exceeded";
const KiB = 1024;

const configMap = (name: string, size: number) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data: { blob: "x".repeat(size) } });

describe("a cluster whose etcd runs out of space (createCluster)", () => {
  it("writes get a 500 with etcd's error and nothing is stored; reads and deletes go on; compact, defrag and disarm let writes in again", async () => {
    const cluster = createCluster({ nodes: 1, seed: 1, etcdQuotaBackendBytes: 1024 * KiB });
    await cluster.settle();
    let refused: any;
    let n = 0;
    for (; n < 20 && !refused; n++) {
      const r = await cluster.request({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: configMap(`blob-${n}`, 200 * KiB) });
      if (!r.ok) refused = { ...r, name: `blob-${n}` };
    }
    expect(refused, "the quota was never reached").toBeDefined();
    expect(refused.code).toBe(500);
    expect(refused.status).toMatchObject({ status: "Failure", message: NOSPACE, code: 500 });
    expect(refused.status.reason ?? "").toBe("");
    expect(cluster.get("ConfigMap", refused.name, "default")).toBeUndefined();
    // a small write is refused too: the alarm holds until it is disarmed
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx" }] } };
    const podCreate = await cluster.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod });
    expect(podCreate).toMatchObject({ ok: false, code: 500, status: { message: NOSPACE } });
    // reads and deletes are served
    const read = await cluster.request({ verb: "get", group: "", resource: "configmaps", namespace: "default", name: "blob-0" });
    expect(read).toMatchObject({ ok: true, code: 200 });
    const del = await cluster.request({ verb: "delete", group: "", resource: "configmaps", namespace: "default", name: "blob-0" });
    expect(del).toMatchObject({ ok: true, code: 200 });
    expect(await cluster.etcdctl({ type: "Alarm", action: "get" })).toMatchObject({ alarms: [{ alarm: "NOSPACE" }] });
    // the maintenance guide's way out
    const status = (await cluster.etcdctl({ type: "Status" })) as any;
    expect(status.errors).toEqual([expect.stringContaining("alarm:NOSPACE")]);
    await cluster.etcdctl({ type: "Compact", revision: status.revision });
    await cluster.etcdctl({ type: "Defragment" });
    for (let i = 0; i < n - 2; i++) await cluster.request({ verb: "delete", group: "", resource: "configmaps", namespace: "default", name: `blob-${i + 1}` });
    const after = (await cluster.etcdctl({ type: "Status" })) as any;
    await cluster.etcdctl({ type: "Compact", revision: after.revision });
    await cluster.etcdctl({ type: "Defragment" });
    await cluster.etcdctl({ type: "Alarm", action: "deactivate", alarm: "NOSPACE" });
    const again = await cluster.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod });
    expect(again).toMatchObject({ ok: true, code: 201 });
    await cluster.settle();
    expect(cluster.get("Pod", "p", "default")?.status?.phase).toBe("Running");
    await cluster.stop();
  });
});

const bin = findKubectl();

describe("kubectl against an etcd out of space", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, etcdQuotaBackendBytes: 1024 * KiB });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl create prints etcd's error as the API server passes it on; kubectl get still works", async () => {
    expect(bin, "kubectl is not on PATH").toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), "podflow-quota-")), "blob");
    writeFileSync(file, "x".repeat(200 * KiB));
    let last = { code: 0, out: "", err: "" };
    for (let i = 0; i < 20 && last.code === 0; i++) {
      last = await kubectl(bin!, s.kubeconfigPath, ["create", "configmap", `blob-${i}`, `--from-file=blob=${file}`]);
    }
    expect(last.code).not.toBe(0);
    expect(last.err.trim()).toBe(`error: failed to create configmap: ${NOSPACE}`);
    const get = await kubectl(bin!, s.kubeconfigPath, ["get", "configmap", "blob-0", "-o", "name"]);
    expect(get).toMatchObject({ code: 0, out: "configmap/blob-0\n" });
  });
});
