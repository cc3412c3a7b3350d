// The real kubectl against `podflow serve` with storage: the docs' task-pv-volume and
// task-pv-claim (pods/storage/pv-volume.yaml, pv-claim.yaml) served with kubectl's columns, a
// StorageClass, and Kubernetes' refusals of invalid or immutable writes.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const examples = join(__dirname, "..", "examples", "pods", "storage");

describe.skipIf(!bin)("podflow serve with the real kubectl: PersistentVolumes, claims and StorageClasses", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, {});
  const dir = mkdtempSync(join(tmpdir(), "podflow-storage-"));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply creates the docs' PersistentVolume, which kubectl get pv shows Available with kubectl's columns", async () => {
    expect((await k(["apply", "-f", join(examples, "pv-volume.yaml")])).out).toBe("persistentvolume/task-pv-volume created\n");
    const out = (await k(["get", "pv", "task-pv-volume"])).out;
    expect(out.split("\n")[0]).toMatch(/^NAME +CAPACITY +ACCESS MODES +RECLAIM POLICY +STATUS +CLAIM +STORAGECLASS +VOLUMEATTRIBUTESCLASS +REASON +AGE$/);
    expect(out.split("\n")[1]).toMatch(/^task-pv-volume +10Gi +RWO +Retain +(Pending|Available) +manual +<unset> +(?:\d+[smhd])+$/);
    const yaml = (await k(["get", "pv", "task-pv-volume", "-o", "jsonpath={.spec.volumeMode} {.spec.hostPath.type}|{.spec.persistentVolumeReclaimPolicy}"])).out;
    expect(yaml).toBe("Filesystem |Retain");
  });

  it("kubectl apply creates the docs' claim; kubectl get pvc has kubectl's columns and -o wide adds VOLUMEMODE", async () => {
    expect((await k(["apply", "-f", join(examples, "pv-claim.yaml")])).out).toBe("persistentvolumeclaim/task-pv-claim created\n");
    const out = (await k(["get", "pvc", "task-pv-claim", "-o", "wide"])).out;
    expect(out.split("\n")[0]).toMatch(/^NAME +STATUS +VOLUME +CAPACITY +ACCESS MODES +STORAGECLASS +VOLUMEATTRIBUTESCLASS +AGE +VOLUMEMODE$/);
    expect(out).toMatch(/^task-pv-claim +\w+ /m);
  });

  it("a claim's spec is immutable except growing its request: kubectl patch is refused with Kubernetes' message", async () => {
    const r = await k(["patch", "pvc", "task-pv-claim", "--type=merge", "-p", '{"spec":{"accessModes":["ReadWriteMany"]}}']);
    expect(r.err).toContain('The PersistentVolumeClaim "task-pv-claim" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
  });

  it("a StorageClass is served at storage.k8s.io/v1; the default one is marked (default); its provisioner is immutable", async () => {
    const sc = file("sc.yaml", [
      "apiVersion: storage.k8s.io/v1", "kind: StorageClass", "metadata:", "  name: fast",
      "  annotations:", '    storageclass.kubernetes.io/is-default-class: "true"', "provisioner: example.com/fast", "",
    ].join("\n"));
    expect((await k(["apply", "-f", sc])).out).toBe("storageclass.storage.k8s.io/fast created\n");
    const out = (await k(["get", "sc", "fast"])).out;
    expect(out.split("\n")[0]).toMatch(/^NAME +PROVISIONER +RECLAIMPOLICY +VOLUMEBINDINGMODE +ALLOWVOLUMEEXPANSION +AGE$/);
    expect(out.split("\n")[1]).toMatch(/^fast \(default\) +example\.com\/fast +Delete +Immediate +false +(?:\d+[smhd])+$/);
    const r = await k(["patch", "sc", "fast", "--type=merge", "-p", '{"provisioner":"example.com/slow"}']);
    expect(r.err).toContain('The StorageClass "fast" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.');
    // two default classes: the newest would win (DefaultStorageClass); the cluster's own standard is wanted below
    expect((await k(["delete", "sc", "fast"])).out).toBe('storageclass.storage.k8s.io "fast" deleted\n');
  });

  it("an invalid PersistentVolume is refused with Kubernetes' field errors", async () => {
    const pv = file("bad-pv.yaml", ["apiVersion: v1", "kind: PersistentVolume", "metadata:", "  name: bad", "spec:", "  capacity:", "    storage: 1Gi", ""].join("\n"));
    const r = await k(["create", "-f", pv]);
    expect(r.err).toContain('The PersistentVolume "bad" is invalid: ');
    expect(r.err).toContain("spec.accessModes: Required value");
    expect(r.err).toContain("spec: Required value: must specify a volume type");
  });

  it("dynamic provisioning as on kind: kubectl get sc shows standard (default); a claim of no class gets it, waits for its first consumer, and is Bound to a local-path PV once its pod runs", async () => {
    expect((await k(["get", "sc", "standard"])).out).toMatch(/^standard \(default\) +rancher\.io\/local-path +Delete +WaitForFirstConsumer +false +(?:\d+[smhd])+$/m);
    const claim = file("claim.yaml", ["apiVersion: v1", "kind: PersistentVolumeClaim", "metadata:", "  name: data", "spec:", "  accessModes: [ReadWriteOnce]", "  resources:", "    requests:", "      storage: 1Gi", ""].join("\n"));
    expect((await k(["apply", "-f", claim])).out).toBe("persistentvolumeclaim/data created\n");
    expect((await k(["get", "pvc", "data"])).out).toMatch(/^data +Pending +standard +<unset> +(?:\d+[smhd])+$/m);
    const pending = await until(async () => {
      const out = (await k(["describe", "pvc", "data"])).out;
      return out.includes("waiting for first consumer to be created before binding") ? out : undefined;
    }, 20_000);
    expect(pending, "the WaitForFirstConsumer event").toBeTruthy();
    const pod = file("pod.yaml", [
      "apiVersion: v1", "kind: Pod", "metadata:", "  name: data-user", "spec:", "  volumes:", "    - name: d", "      persistentVolumeClaim:", "        claimName: data",
      "  containers:", "    - name: c", "      image: busybox:1.36", '      command: ["sh", "-c", "echo hi > /d/f; sleep 3600"]', "      volumeMounts:", "        - name: d", "          mountPath: /d", "",
    ].join("\n"));
    expect((await k(["apply", "-f", pod])).out).toBe("pod/data-user created\n");
    const bound = await until(async () => {
      const out = (await k(["get", "pvc", "data"])).out;
      return /^data +Bound +pvc-[0-9a-f-]+ +1Gi +RWO +standard +<unset> +(?:\d+[smhd])+$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(bound, "the claim should be Bound").toBeTruthy();
    const pv = (await k(["get", "pv", "-o", "jsonpath={.items[?(@.spec.claimRef.name==\"data\")].spec.hostPath.path}"])).out;
    expect(pv).toMatch(/^\/var\/local-path-provisioner\/pvc-[0-9a-f-]+_default_data$/);
    expect((await k(["exec", "data-user", "--", "cat", "/d/f"])).out).toBe("hi\n");
  });
});
