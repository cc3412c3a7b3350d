// The real kubectl against `podflow serve`: Pod Security Admission's refusal, warnings and label
// validation as kubectl prints them from kube-apiserver 1.35 (k8s.io/pod-security-admission).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const dir = mkdtempSync(join(tmpdir(), "podflow-psa-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
// the docs' security/example-baseline-pod.yaml
const baselinePod = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
    - image: nginx
      name: nginx
      ports:
        - containerPort: 80
`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx
`;
const details =
  'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe.skipIf(!bin)("podflow serve with the real kubectl: PodSecurity admission", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply of a pod into an enforce=restricted namespace is refused", async () => {
    expect((await k(["create", "namespace", "psa"])).out).toBe("namespace/psa created\n");
    expect((await k(["label", "namespace", "psa", "pod-security.kubernetes.io/enforce=restricted"])).out).toBe("namespace/psa labeled\n");
    const pod = file("pod.yaml", baselinePod);
    const r = await k(["apply", "-n", "psa", "-f", pod]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Error from server (Forbidden): error when creating "${pod}": pods "nginx" is forbidden: violates PodSecurity "restricted:latest": ${details}\n`);
  });

  it("kubectl apply of a Deployment into a warn=restricted namespace prints the warning and creates it", async () => {
    await k(["create", "namespace", "warned"]);
    await k(["label", "namespace", "warned", "pod-security.kubernetes.io/warn=restricted"]);
    const r = await k(["apply", "-n", "warned", "-f", file("dep.yaml", deployment)]);
    expect(r.err).toBe(`Warning: would violate PodSecurity "restricted:latest": ${details}\n`);
    expect(r.out).toBe("deployment.apps/web created\n");
  });

  it("kubectl label with an invalid level is refused; a stricter level warns about the existing pods", async () => {
    const bad = await k(["label", "namespace", "warned", "pod-security.kubernetes.io/enforce=strict"]);
    // kubectl's CheckErr words an Invalid Status as "The <kind> <name> is invalid: <causes>"
    expect(bad.err).toBe('The Namespace "warned" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted\n');
    await k(["apply", "-n", "warned", "-f", file("pod2.yaml", baselinePod)]);
    // the Deployment's pod too, before the label
    const pods = await until(async () => (await k(["get", "pods", "-n", "warned", "-o", "name"])).out.split("\n").filter(Boolean).length === 2, 20000);
    expect(pods).toBe(true);
    const r = await k(["label", "namespace", "warned", "pod-security.kubernetes.io/enforce=restricted"]);
    expect(r.out).toBe("namespace/warned labeled\n");
    // the Deployment's pod has the same reasons: one warning, named by the first pod by name
    expect(r.err).toBe(
      'Warning: existing pods in namespace "warned" violate the new PodSecurity enforce level "restricted:latest"\n' +
        "Warning: nginx (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n",
    );
  });
});
