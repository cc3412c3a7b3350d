import { describe, it, expect } from "vitest";
import { mutate, type MutateContext } from "./index.js";
import { tokenVolumeName } from "./serviceaccount.js";

// Expectations from plugin/pkg/admission/serviceaccount/admission_test.go and the docs'
// "Configure Service Accounts for Pods" page (the kube-api-access-<suffix> volume's sources).
const now = "2026-01-01T00:00:00Z";
const pod = (spec: object = {}, metadata: object = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", uid: "u-1", ...metadata }, spec: { containers: [{ name: "c", image: "nginx:1.27" }], ...spec } });
const accounts: Record<string, object> = { "default/default": {}, "default/build-robot": { automountServiceAccountToken: false, imagePullSecrets: [{ name: "regcred" }] } };

function admit(p: object): { out: any; refused?: string } {
  let refused: string | undefined;
  const ctx: MutateContext = { now, operation: "CREATE", serviceAccounts: (ns, n) => accounts[`${ns}/${n}`], refuse: (r) => void (refused = r) };
  const out = mutate(p, ctx);
  return refused === undefined ? { out } : { out, refused };
}

describe("ServiceAccount admission", () => {
  it("sets serviceAccountName and the deprecated serviceAccount to default", () => {
    const { out } = admit(pod());
    expect([out.spec.serviceAccountName, out.spec.serviceAccount]).toEqual(["default", "default"]);
  });

  it("adds the kube-api-access projected volume (token 3607 s, kube-root-ca.crt, namespace) and mounts it read-only in every container", () => {
    const { out } = admit(pod({ initContainers: [{ name: "init", image: "busybox" }] }));
    const name = tokenVolumeName("u-1");
    expect(name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(out.spec.volumes).toEqual([{ name, projected: { defaultMode: 420, sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
    ] } }]);
    const mount = { name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" };
    expect(out.spec.containers[0].volumeMounts).toEqual([mount]);
    expect(out.spec.initContainers[0].volumeMounts).toEqual([mount]);
  });

  it("leaves a container that mounts something at the token path alone, and mounts the others", () => {
    const own = { name: "mine", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" };
    const { out } = admit(pod({ containers: [{ name: "a", image: "nginx", volumeMounts: [own] }, { name: "b", image: "nginx" }], volumes: [{ name: "mine", emptyDir: {} }] }));
    expect(out.spec.containers[0].volumeMounts).toEqual([own]);
    expect(out.spec.containers[1].volumeMounts[0].name).toMatch(/^kube-api-access-/);
  });

  it("mounts nothing when the pod or its account turns automounting off; the account's pull secrets are copied", () => {
    expect(admit(pod({ automountServiceAccountToken: false })).out.spec.volumes).toBeUndefined();
    const { out } = admit(pod({ serviceAccountName: "build-robot" }));
    expect(out.spec.volumes).toBeUndefined();
    expect(out.spec.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect(admit(pod({ serviceAccountName: "build-robot", automountServiceAccountToken: true })).out.spec.volumes).toHaveLength(1);
  });

  it("refuses a pod whose service account does not exist", () => {
    expect(admit(pod({ serviceAccountName: "missing" })).refused).toBe('error looking up service account default/missing: serviceaccount "missing" not found');
  });

  it("takes serviceAccountName from the deprecated serviceAccount", () => {
    expect(admit(pod({ serviceAccount: "build-robot" })).out.spec.serviceAccountName).toBe("build-robot");
  });
});
