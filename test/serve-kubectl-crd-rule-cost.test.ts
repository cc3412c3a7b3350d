// The real kubectl against `podflow serve`: a CRD whose rule compares every pair of an unbounded
// list is refused for its estimated cost, with kube-apiserver's causes as kubectl prints them; the
// same CRD with maxItems on the list is created.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const definition = (maxItems: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: pairs.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: pairs
    singular: pair
    kind: Pair
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
              properties:
                values:
                  type: array${maxItems}
                  items:
                    type: integer
                  x-kubernetes-validations:
                    - rule: "self.all(x, self.all(y, x == y))"
                      message: all values must be equal
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: the estimated cost of CRD validation rules", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply refuses an O(n^2) rule over an unbounded list", async () => {
    const r = await k(["apply", "-f", "-"], { input: definition("") });
    expect(r.code).not.toBe(0);
    const at = "spec.versions[0].schema.openAPIV3Schema";
    const rule = `${at}.properties[spec].properties[values].x-kubernetes-validations[0].rule`;
    const hint = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";
    expect(r.err).toBe(
      'The CustomResourceDefinition "pairs.example.com" is invalid: \n' +
        `* ${rule}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${hint}\n` +
        `* ${rule}: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema\n` +
        `* ${at}: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${hint}\n`,
    );
    expect((await k(["get", "crd", "pairs.example.com"])).err).toBe('Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "pairs.example.com" not found\n');
  });

  it("kubectl apply creates it once maxItems bounds the list", async () => {
    const r = await k(["apply", "-f", "-"], { input: definition("\n                  maxItems: 100") });
    expect(r.err).toBe("");
    expect(r.out).toBe("customresourcedefinition.apiextensions.k8s.io/pairs.example.com created\n");
  });
});
