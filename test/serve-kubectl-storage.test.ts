// The real kubectl against `podflow serve` with storage: the docs' task-pv-volume and
// task-pv-claim (pods/storage/pv-volume.yaml, pv-claim.yaml) served with kubectl's columns, a
// StorageClass, and Kubernetes' refusals of invalid or immutable writes.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const examples = join(__dirname, "..", "examples");

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
    expect(out.split("\n")[1]).toMatch(/^task-pv-volume +10Gi +RWO +Retain +(Pending|Available) +manual +<unset> +\d+s$/);
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
    expect(out.split("\n")[1]).toMatch(/^fast \(default\) +example\.com\/fast +Delete +Immediate +false +\d+s$/);
    const r = await k(["patch", "sc", "fast", "--type=merge", "-p", '{"provisioner":"example.com/slow"}']);
    expect(r.err).toContain('The StorageClass "fast" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.');
  });

  it("an invalid PersistentVolume is refused with Kubernetes' field errors", async () => {
    const pv = file("bad-pv.yaml", ["apiVersion: v1", "kind: PersistentVolume", "metadata:", "  name: bad", "spec:", "  capacity:", "    storage: 1Gi", ""].join("\n"));
    const r = await k(["create", "-f", pv]);
    expect(r.err).toContain('The PersistentVolume "bad" is invalid: ');
    expect(r.err).toContain("spec.accessModes: Required value");
    expect(r.err).toContain("spec: Required value: must specify a volume type");
  });
});
