// Sweep 10 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// concepts/storage/ephemeral-volumes: the generic ephemeral volume example (the page's class
// "scratch-storage-class" left out, so the cluster's default class provisions it)
const ephemeralPod = (name: string) => `kind: Pod
apiVersion: v1
metadata:
  name: ${name}
spec:
  containers:
    - name: my-frontend
      image: busybox:1.28
      volumeMounts:
      - mountPath: "/scratch"
        name: scratch-volume
      command: [ "sleep", "1000000" ]
  volumes:
    - name: scratch-volume
      ephemeral:
        volumeClaimTemplate:
          metadata:
            labels:
              type: my-frontend-volume
          spec:
            accessModes: [ "ReadWriteOnce" ]
            resources:
              requests:
                storage: 1Gi
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 10", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const phase = (pod: string, want: string) => until(async () => ((await jsonpath(["get", "pod", pod], "{.status.phase}")) === want ? true : undefined), 30_000);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("ephemeral-volumes: the ephemeral volume controller makes <pod>-<volume> from the template, controlled by the pod; the pod runs on it, and the claim goes with the pod", async () => {
    expect((await k(["apply", "-f", "-"], ephemeralPod("my-app"))).out).toBe("pod/my-app created\n");
    expect(await phase("my-app", "Running")).toBe(true);
    const pvc = JSON.parse((await k(["get", "pvc", "my-app-scratch-volume", "-o", "json"])).out);
    expect(pvc.metadata.labels).toEqual({ type: "my-frontend-volume" });
    expect(pvc.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Pod", name: "my-app", uid: await jsonpath(["get", "pod", "my-app"], "{.metadata.uid}"), controller: true, blockOwnerDeletion: true }]);
    expect(pvc.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(pvc.status.phase).toBe("Bound");
    expect((await k(["exec", "my-app", "--", "sh", "-c", "echo hi > /scratch/f; cat /scratch/f"])).out).toBe("hi\n");
    expect((await k(["delete", "pod", "my-app"])).code).toBe(0);
    expect(await until(async () => ((await k(["get", "pvc", "my-app-scratch-volume"])).code !== 0 ? true : undefined), 30_000)).toBe(true);
  });

  it("ephemeral-volumes: a claim of that name the pod does not own is refused by the controller (FailedBinding from ephemeral_volume) and by the kubelet, with VolumeIsForPod's message", async () => {
    const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: clash-scratch-volume
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;
    expect((await k(["apply", "-f", "-"], claim)).code).toBe(0);
    expect((await k(["apply", "-f", "-"], ephemeralPod("clash"))).code).toBe(0);
    const want = "PVC default/clash-scratch-volume was not created for pod default/clash (pod is not owner)";
    const events = () => k(["get", "events", "--field-selector", "involvedObject.name=clash", "-o", "jsonpath={range .items[*]}{.source.component}|{.reason}|{.message}{\"\\n\"}{end}"]).then((r) => r.out.split("\n"));
    expect(await until(async () => ((await events()).includes(`ephemeral_volume|FailedBinding|ephemeral volume scratch-volume: ${want}`) ? true : undefined), 30_000)).toBe(true);
    expect(await jsonpath(["get", "pvc", "clash-scratch-volume"], "{.metadata.ownerReferences}")).toBe("");
    expect(await jsonpath(["get", "pod", "clash"], "{.status.phase}")).toBe("Pending");
  });
});
