// The real kubectl against `podflow serve` with a CustomResourceDefinition of several versions, as
// tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning.md describes them
// with conversion strategy None: every served version answers (apiVersion rewritten, fields as
// stored), objects are stored at the storage version, status.storedVersions records each storage
// version, a version with served: false is not found, and a deprecated version's requests carry
// the crdHandler's Warning.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const schema = `
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                cronSpec:
                  type: string
                image:
                  type: string`;

const crd = (storage: "v1beta1" | "v1") => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
    - name: v1beta1
      served: true
      storage: ${storage === "v1beta1"}${storage === "v1" ? "\n      deprecated: true" : ""}${schema}
    - name: v1
      served: true
      storage: ${storage === "v1"}${schema}
      selectableFields:
        - jsonPath: .spec.image
    - name: v1alpha1
      served: false
      storage: false${schema}
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: a CRD with several versions", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a CronTab applied at v1 is stored at the storage version v1beta1 and read at either", async () => {
    expect((await k(["apply", "-f", "-"], { input: crd("v1beta1") })).code).toBe(0);
    await until(async () => ((await k(["get", "crd", "crontabs.stable.example.com", "-o", "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"])).out === "True" ? true : undefined), 10_000);
    const made = await until(async () => {
      const r = await k(["apply", "-f", "-"], { input: "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: my-cron\nspec:\n  cronSpec: '* * * * */5'\n  image: one\n" });
      return r.code === 0 ? r : undefined;
    }, 10_000);
    expect(made.out).toBe("crontab.stable.example.com/my-cron created\n");
    expect(s.cluster.get("CronTab", "my-cron", "default").apiVersion).toBe("stable.example.com/v1beta1");
    // kubectl reads the preferred version (v1, the highest in kube-aware order) unless told which
    expect((await k(["get", "ct", "my-cron", "-o", "jsonpath={.apiVersion} {.spec.image}"])).out).toBe("stable.example.com/v1 one");
    expect((await k(["get", "crontabs.v1beta1.stable.example.com", "my-cron", "-o", "jsonpath={.apiVersion} {.spec.image}"])).out).toBe("stable.example.com/v1beta1 one");
    expect((await k(["get", "crd", "crontabs.stable.example.com", "-o", "jsonpath={.status.storedVersions}"])).out).toBe('["v1beta1"]');
  });

  it("a version with served: false is not found", async () => {
    const r = await k(["get", "--raw", "/apis/stable.example.com/v1alpha1/namespaces/default/crontabs"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe("Error from server (NotFound): the server could not find the requested resource\n");
  });

  it("moving storage to v1 adds it to storedVersions; a write migrates the object; the deprecated v1beta1 warns", async () => {
    expect((await k(["apply", "-f", "-"], { input: crd("v1") })).code).toBe(0);
    const stored = await until(async () => {
      const o = (await k(["get", "crd", "crontabs.stable.example.com", "-o", "jsonpath={.status.storedVersions}"])).out;
      return o === '["v1beta1","v1"]' ? o : undefined;
    }, 10_000);
    expect(stored).toBe('["v1beta1","v1"]');
    const patched = await k(["patch", "crontabs.v1beta1.stable.example.com", "my-cron", "--type=merge", "-p", '{"spec":{"image":"two"}}']);
    expect(patched.out).toBe("crontab.stable.example.com/my-cron patched\n");
    expect(patched.err).toBe("Warning: stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab\n");
    expect(s.cluster.get("CronTab", "my-cron", "default")).toMatchObject({ apiVersion: "stable.example.com/v1", spec: { image: "two" } });
    const v1 = await k(["get", "ct", "my-cron", "-o", "jsonpath={.apiVersion}"]);
    expect([v1.out, v1.err]).toEqual(["stable.example.com/v1", ""]);
  });

  it("kubectl get --field-selector selects by the v1 selectableFields and is refused any other field", async () => {
    expect((await k(["get", "ct", "--field-selector", "spec.image=two", "-o", "name"])).out).toBe("crontab.stable.example.com/my-cron\n");
    expect((await k(["get", "ct", "--field-selector", "spec.image=one", "-o", "name"])).out).toBe("");
    const refused = await k(["get", "ct", "--field-selector", "spec.cronSpec=x"]);
    expect(refused.err).toBe('Error from server (BadRequest): Unable to find "stable.example.com/v1, Resource=crontabs" that match label selector "", field selector "spec.cronSpec=x": field label not supported: spec.cronSpec\n');
  });
});
