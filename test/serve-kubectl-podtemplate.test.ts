// PodTemplates (core/v1) through the real kubectl: the conformance tests' lifecycle
// (test/e2e/common/node/podtemplates.go: create, get, patch, list by label, delete, delete a
// collection, replace), the strategy's generation (pkg/registry/core/podtemplate/strategy.go: 1 on
// create, +1 when the template changes), the defaults of the template's pod spec, ValidatePodTemplate,
// and printPodTemplate's columns (NAME, CONTAINERS, IMAGES, POD LABELS; no AGE).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const template = (name: string, labels = "") => `apiVersion: v1
kind: PodTemplate
metadata:
  name: ${name}
  labels: {podtemplate-set: "true"${labels}}
template:
  metadata:
    labels: {app: nginx}
  spec:
    containers:
    - {name: nginx, image: "registry.k8s.io/e2e-test-images/nginx:1.14-4"}
`;

describe.skipIf(!bin)("PodTemplates through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("is served as podtemplates (v1, namespaced, no short names) and listed with its template's containers, images and labels", async () => {
    expect((await k(["api-resources", "--api-group="])).out).toMatch(/^podtemplates\s+v1\s+true\s+PodTemplate$/m);
    await k(["create", "-f", "-"], template("nginx-pod-template"));
    expect((await k(["get", "podtemplates"])).out.trimEnd().split("\n")).toEqual([
      "NAME                 CONTAINERS   IMAGES                                         POD LABELS",
      "nginx-pod-template   nginx        registry.k8s.io/e2e-test-images/nginx:1.14-4   app=nginx",
    ]);
  });

  it("stores generation 1 and the pod spec's defaults; a patched template is generation 2, a label is not a new generation", async () => {
    const obj = JSON.parse((await k(["get", "podtemplate", "nginx-pod-template", "-o", "json"])).out);
    expect(obj.metadata.generation).toBe(1);
    expect(obj.template.spec).toMatchObject({ restartPolicy: "Always", dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30, schedulerName: "default-scheduler", securityContext: {} });
    expect(obj.template.spec.containers[0]).toMatchObject({ imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    // podtemplates.go "should replace a pod template": the grace period replaced, read back
    await k(["patch", "podtemplate", "nginx-pod-template", "--type=merge", "-p", '{"template":{"spec":{"terminationGracePeriodSeconds":1}}}']);
    expect((await k(["get", "podtemplate", "nginx-pod-template", "-o", "jsonpath={.metadata.generation} {.template.spec.terminationGracePeriodSeconds}"])).out).toBe("2 1");
    await k(["label", "podtemplate", "nginx-pod-template", "podtemplate=patched"]);
    expect((await k(["get", "podtemplates", "-l", "podtemplate=patched", "-o", "jsonpath={.items[*].metadata.generation}"])).out).toBe("2");
  });

  it("is refused as ValidatePodTemplate refuses it: the name a DNS subdomain, the template as a pod's", async () => {
    const bad = "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: Bad_Name}\ntemplate:\n  spec:\n    restartPolicy: Sometimes\n    containers: [{name: c}]\n";
    const r = await k(["create", "-f", "-"], bad);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('The PodTemplate "Bad_Name" is invalid: ');
    expect(r.err).toContain(`metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`);
    expect(r.err).toContain("template.spec.containers[0].image: Required value");
    expect(r.err).toContain('template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  });

  it("deletes a collection by label selector, as podtemplates.go's DeleteCollection does", async () => {
    for (const n of ["podtemplate-1", "podtemplate-2", "podtemplate-3"]) await k(["create", "-f", "-"], template(n, ", set: three"));
    expect((await k(["get", "podtemplates", "-l", "set=three", "-o", "name"])).out.trim().split("\n")).toHaveLength(3);
    await k(["delete", "podtemplates", "-l", "set=three"]);
    expect((await k(["get", "podtemplates", "-l", "set=three", "-o", "name"])).out.trim()).toBe("");
    expect((await k(["get", "podtemplates", "-o", "name"])).out.trim()).toBe("podtemplate/nginx-pod-template");
  });
});
