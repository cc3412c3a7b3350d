// The real kubectl against `podflow serve` on the docs' "configure a pod to use a ConfigMap" and
// "distribute credentials securely using Secrets" pages: kubectl create configmap/secret, a pod
// reading them through env and volumes, kubectl exec printenv and cat, and the default
// ServiceAccount kubectl shows in every namespace. Expected outputs are the pages'.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: dapi-test-pod
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "/bin/sh", "-c", "sleep 3600" ]
      env:
        - name: SPECIAL_LEVEL_KEY
          valueFrom:
            configMapKeyRef:
              name: special-config
              key: special.how
        - name: SECRET_USERNAME
          valueFrom:
            secretKeyRef:
              name: backend-user
              key: backend-username
      volumeMounts:
      - name: config-volume
        mountPath: /etc/config
  volumes:
    - name: config-volume
      configMap:
        name: special-config
`;

describe.skipIf(!bin)("kubectl with ConfigMaps, Secrets and service accounts against podflow serve", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);
  const scratch = mkdtempSync(join(tmpdir(), "podflow-podconfig-"));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["create", "configmap", "special-config", "--from-literal=special.how=very"])).out).toBe("configmap/special-config created\n");
    expect((await k(["create", "secret", "generic", "backend-user", "--from-literal=backend-username=backend-admin"])).out).toBe("secret/backend-user created\n");
    const file = join(scratch, "pod.yaml");
    writeFileSync(file, pod);
    await k(["apply", "-f", file]);
    const running = await until(async () => {
      const out = (await k(["get", "pod", "dapi-test-pod", "--no-headers"])).out;
      return /^dapi-test-pod +1\/1 +Running/.test(out) ? out : undefined;
    }, 60_000);
    expect(running, "dapi-test-pod should be Running").toBeTruthy();
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl exec printenv shows the ConfigMap's and the Secret's values", async () => {
    const r = await k(["exec", "dapi-test-pod", "--", "printenv", "SPECIAL_LEVEL_KEY", "SECRET_USERNAME"]);
    expect([r.code, r.out]).toEqual([0, "very\nbackend-admin\n"]);
  });

  it("kubectl exec cat reads the mounted ConfigMap key as a file", async () => {
    const r = await k(["exec", "dapi-test-pod", "--", "cat", "/etc/config/special.how"]);
    expect([r.code, r.out]).toEqual([0, "very"]);
  });

  it("the service-account token volume is mounted and every namespace has the default ServiceAccount", async () => {
    const ns = (await k(["exec", "dapi-test-pod", "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace"])).out;
    expect(ns).toBe("default");
    const sa = await until(async () => {
      const out = (await k(["get", "serviceaccount", "default", "-n", "kube-system", "-o", "jsonpath={.metadata.name}"])).out;
      return out === "default" ? out : undefined;
    }, 10_000);
    expect(sa).toBe("default");
    const cm = (await k(["get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}"])).out;
    expect(cm).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
