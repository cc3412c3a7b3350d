// The real kubectl against `podflow serve` through kubernetes/website's
// tasks/extend-kubernetes/custom-resources/custom-resource-definitions.md: the CronTab CRD applied,
// my-crontab.yaml applied and read back (get crontab, get ct -o yaml), then the CRD grown with the
// page's validation (pattern, maximum), defaulting, printer columns and scale subresource: the
// validation failure, pruning of an unknown field, defaults, the columns, `kubectl scale`, kubectl
// get all (categories: all), explain, and finally the CRD deleted with its custom resources.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const resourceDefinition = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
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
                cronSpec:
                  type: string
                image:
                  type: string
                replicas:
                  type: integer
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
`;

// the page's later versions of the CRD, in one: validation, defaulting, printer columns, scale, categories
const grownDefinition = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
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
                cronSpec:
                  type: string
                  pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                  default: "5 0 * * *"
                image:
                  type: string
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                  default: 1
            status:
              type: object
              properties:
                replicas:
                  type: integer
                labelSelector:
                  type: string
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
          labelSelectorPath: .status.labelSelector
      additionalPrinterColumns:
      - name: Spec
        type: string
        description: The cron spec defining the interval a CronJob is run
        jsonPath: .spec.cronSpec
      - name: Replicas
        type: integer
        description: The number of jobs launched by the CronJob
        jsonPath: .spec.replicas
      - name: Age
        type: date
        jsonPath: .metadata.creationTimestamp
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
    categories:
    - all
`;

const myCrontab = `
apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: CustomResourceDefinitions (the CronTab walk-through)", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply creates the CRD, which is established, and kubectl get crd lists it with its creation time", async () => {
    expect((await k(["apply", "-f", "-"], { input: resourceDefinition })).out).toBe("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n");
    const established = await until(async () => {
      const o = (await k(["get", "crd", "crontabs.stable.example.com", "-o", "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"])).out;
      return o === "True" ? o : undefined;
    }, 10_000);
    expect(established).toBe("True");
    const list = (await k(["get", "crd"])).out.split("\n");
    expect(list[0]).toMatch(/^NAME +CREATED AT$/);
    expect(list[1]).toMatch(/^crontabs\.stable\.example\.com +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("the CronTab is created from my-crontab.yaml and listed by kubectl get crontab with NAME and AGE", async () => {
    expect((await k(["apply", "-f", "-"], { input: myCrontab })).out).toBe("crontab.stable.example.com/my-new-cron-object created\n");
    const out = (await k(["get", "crontab"])).out.split("\n");
    expect(out[0]).toMatch(/^NAME +AGE$/);
    expect(out[1]).toMatch(/^my-new-cron-object +(?:\d+[dhms])+$/);
  });

  it("kubectl get ct -o yaml shows the object as stored (short name ct)", async () => {
    const r = await k(["get", "ct", "-o", "yaml"]);
    expect(r.code).toBe(0);
    expect(r.out.startsWith("apiVersion: v1\nitems:\n- apiVersion: stable.example.com/v1\n  kind: CronTab\n")).toBe(true);
    expect(r.out).toContain("    generation: 1\n    name: my-new-cron-object\n    namespace: default\n");
    expect(r.out).toContain("  spec:\n    cronSpec: '* * * * */5'\n    image: my-awesome-cron-image\nkind: List\n");
  });

  it("the grown CRD refuses a CronTab against its schema with kube's field errors", async () => {
    expect((await k(["apply", "-f", "-"], { input: grownDefinition })).out).toBe("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com configured\n");
    const bad = myCrontab.replace("my-new-cron-object", "my-invalid-cron-object").replace('"* * * * */5"', '"* * * *"') + "  replicas: 15\n";
    const r = await until(async () => {
      const res = await k(["apply", "-f", "-"], { input: bad });
      return res.err.includes("invalid") ? res : undefined;
    }, 10_000);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe(
      'The CronTab "my-invalid-cron-object" is invalid: \n' +
        "* spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n" +
        "* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10\n",
    );
  });

  it("an unknown field is refused under kubectl's strict validation and pruned with --validate=false; defaults are filled in", async () => {
    const extra = myCrontab.replace("my-new-cron-object", "my-pruned-cron-object") + "  someRandomField: 42\n";
    const strict = await k(["create", "-f", "-"], { input: extra });
    expect(strict.err).toBe('Error from server (BadRequest): error when creating "STDIN": CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.someRandomField"\n');
    const r = await k(["create", "--validate=false", "-f", "-", "-o", "yaml"], { input: extra });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("someRandomField");
    expect(r.out).toContain("spec:\n  cronSpec: '* * * * */5'\n  image: my-awesome-cron-image\n  replicas: 1\n");
    const defaulted = await k(["apply", "-f", "-", "-o", "jsonpath={.spec.cronSpec}|{.spec.replicas}"], { input: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: my-defaulted-cron-object\nspec:\n  image: my-awesome-cron-image\n' });
    expect(defaulted.out).toBe("5 0 * * *|1");
  });

  it("kubectl get crontab prints the additionalPrinterColumns, and kubectl get all lists the CronTabs (category all)", async () => {
    const out = (await k(["get", "crontab", "my-pruned-cron-object"])).out.split("\n");
    expect(out[0]).toMatch(/^NAME +SPEC +REPLICAS +AGE$/);
    expect(out[1]).toMatch(/^my-pruned-cron-object +\* \* \* \* \*\/5 +1 +(?:\d+[dhms])+$/);
    // a fresh discovery cache: the one kept since the CRD was first applied predates its categories
    const all = (await k(["get", "all", "--cache-dir", mkdtempSync(join(tmpdir(), "kubectl-cache-"))])).out;
    // my-new-cron-object was stored before the CRD had defaults: it is defaulted as it is read
    expect(all).toMatch(/^crontab\.stable\.example\.com\/my-new-cron-object +\* \* \* \* \*\/5 +1 +(?:\d+[dhms])+$/m);
  });

  it("kubectl scale sets spec.replicas through the scale subresource, within the schema's maximum", async () => {
    expect((await k(["scale", "--replicas=5", "crontabs/my-new-cron-object"])).out).toBe("crontab.stable.example.com/my-new-cron-object scaled\n");
    expect((await k(["get", "ct", "my-new-cron-object", "-o", "jsonpath={.spec.replicas}"])).out).toBe("5");
    const over = await k(["scale", "--replicas=20", "crontabs/my-new-cron-object"]);
    expect(over.err).toBe('The CronTab "my-new-cron-object" is invalid: spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10\n');
  });

  it("kubectl explain reads the CronTab's schema from OpenAPI v3", async () => {
    const r = await k(["explain", "crontab.spec.replicas"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^GROUP: +stable\.example\.com\nKIND: +CronTab\nVERSION: +v1\n\nFIELD: replicas <integer>\n/);
  });

  it("a strategic merge patch is refused with 415, a merge patch is taken", async () => {
    const smp = await k(["patch", "ct", "my-new-cron-object", "-p", '{"spec":{"image":"other"}}']);
    expect(smp.err).toBe("error: application/strategic-merge-patch+json is not supported by stable.example.com/v1, Kind=CronTab: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n");
    expect((await k(["patch", "ct", "my-new-cron-object", "--type=merge", "-p", '{"spec":{"image":"other"}}'])).out).toBe("crontab.stable.example.com/my-new-cron-object patched\n");
  });

  it("deleting the CRD deletes its CronTabs, and the resource type is gone", async () => {
    const del = await k(["delete", "-f", "-"], { input: resourceDefinition, timeoutMs: 30_000 });
    expect(del.out).toBe('customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n');
    expect(s.cluster.customResources()).toEqual([]);
    // kubectl's cached discovery still maps crontabs: the server answers its list 404, as the docs show
    const gone = await k(["get", "crontabs"]);
    expect(gone.err).toBe('Error from server (NotFound): Unable to list "stable.example.com/v1, Resource=crontabs": the server could not find the requested resource\n');
  });
});
