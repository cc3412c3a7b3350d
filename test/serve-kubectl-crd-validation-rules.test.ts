// The real kubectl against `podflow serve` through the "Validation rules" section of kubernetes/website's
// tasks/extend-kubernetes/custom-resources/custom-resource-definitions.md: the CronTab CRD with its
// x-kubernetes-validations (minReplicas <= replicas <= maxReplicas), a CronTab refused by a rule
// with kube's 422 as kubectl prints it, the transition rule self == oldSelf keeping a field
// immutable, and a rule that does not compile refused with the CRD.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const definition = `
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
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "self.minReplicas <= self.replicas"
                  message: "replicas should be greater than or equal to minReplicas."
                - rule: "self.replicas <= self.maxReplicas"
                  message: "replicas should be smaller than or equal to maxReplicas."
              properties:
                cronSpec:
                  type: string
                image:
                  type: string
                  x-kubernetes-validations:
                    - rule: "self == oldSelf"
                      message: Value is immutable
                minReplicas:
                  type: integer
                replicas:
                  type: integer
                maxReplicas:
                  type: integer
              required:
                - minReplicas
                - replicas
                - maxReplicas
`;

const cronTab = (replicas: number, image = "my-awesome-cron-image") => `
apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: ${image}
  minReplicas: 0
  replicas: ${replicas}
  maxReplicas: 10
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: CRD validation rules (CEL)", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply refuses a CronTab whose replicas break a rule, with the rule's message", async () => {
    expect((await k(["apply", "-f", "-"], { input: definition })).out).toBe("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n");
    const r = await until(async () => {
      const res = await k(["apply", "-f", "-"], { input: cronTab(20) });
      return res.err.includes("invalid") ? res : undefined;
    }, 10_000);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('The CronTab "my-new-cron-object" is invalid: spec: Invalid value: "object": replicas should be smaller than or equal to maxReplicas.\n');
  });

  it("a CronTab within the rules is created, and its image may not change (self == oldSelf)", async () => {
    expect((await k(["apply", "-f", "-"], { input: cronTab(5) })).out).toBe("crontab.stable.example.com/my-new-cron-object created\n");
    expect((await k(["apply", "-f", "-"], { input: cronTab(6) })).out).toBe("crontab.stable.example.com/my-new-cron-object configured\n");
    const r = await k(["apply", "-f", "-"], { input: cronTab(6, "another-image") });
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('The CronTab "my-new-cron-object" is invalid: spec.image: Invalid value: "string": Value is immutable\n');
  });

  it("a CRD whose rule does not compile is refused with cel-go's error", async () => {
    const bad = definition.replace("crontabs.stable.example.com", "badtabs.stable.example.com").replace("plural: crontabs", "plural: badtabs").replace("singular: crontab", "singular: badtab").replace("kind: CronTab", "kind: BadTab").replace('"self.minReplicas <= self.replicas"', '"self.minReplica <= self.replicas"');
    const r = await k(["apply", "-f", "-"], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('The CustomResourceDefinition "badtabs.stable.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: ');
    expect(r.err).toContain("compilation failed: ERROR: <input>:1:5: undefined field 'minReplica'\n | self.minReplica <= self.replicas\n | ....^");
  });
});
