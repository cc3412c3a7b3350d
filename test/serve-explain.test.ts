// kubectl explain against `podflow serve`: it reads /openapi/v3 and the document of the kind's
// group version, finds the kind by x-kubernetes-group-version-kind and prints the descriptions
// k8s.io/api's comments give (the text below is theirs), types named after the referenced
// schemas and -required- for fields without omitempty or +optional. kubectl apply reads the
// same schemas' merge keys when the PATCH operation lists strategic merge patch.

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

/** The "name <type>[ -required-]" lines of the FIELDS section. */
function fieldLines(out: string): string[] {
  const at = out.indexOf("FIELDS:\n");
  return out.slice(at + 8).split("\n").filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().replace(/\t/, " "));
}

describe.runIf(bin)("kubectl explain", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 30_000 });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("pod.spec.containers.livenessProbe, as the docs' probe page shows it", async () => {
    const r = await k(["explain", "pod.spec.containers.livenessProbe"]);
    expect(r.err).toBe("");
    expect(r.out.startsWith("KIND:       Pod\nVERSION:    v1\n\nFIELD: livenessProbe <Probe>\n")).toBe(true);
    expect(r.out).toContain(
      "DESCRIPTION:\n    Periodic probe of container liveness. Container will be restarted if the\n    probe fails. Cannot be updated. More info:\n    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes\n    Probe describes a health check to be performed against a container to\n    determine whether it is alive or ready to receive traffic.\n",
    );
    expect(fieldLines(r.out)).toEqual([
      "exec <ExecAction>", "failureThreshold <integer>", "grpc <GRPCAction>", "httpGet <HTTPGetAction>", "initialDelaySeconds <integer>",
      "periodSeconds <integer>", "successThreshold <integer>", "tcpSocket <TCPSocketAction>", "terminationGracePeriodSeconds <integer>", "timeoutSeconds <integer>",
    ]);
  });

  it("required fields, IntOrString, maps of Quantity and times are named as the real schemas name them", async () => {
    const get = await k(["explain", "pod.spec.containers.livenessProbe.httpGet"]);
    expect(fieldLines(get.out)).toEqual(["host <string>", "httpHeaders <[]HTTPHeader>", "path <string>", "port <IntOrString> -required-", "scheme <string>"]);
    const deploy = await k(["explain", "deployment.spec"]);
    expect(deploy.out.startsWith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: spec <DeploymentSpec>\n")).toBe(true);
    expect(fieldLines(deploy.out)).toContain("selector <LabelSelector> -required-");
    expect(fieldLines(deploy.out)).toContain("template <PodTemplateSpec> -required-");
    expect((await k(["explain", "pod.spec.containers.resources.limits"])).out).toContain("FIELD: limits <map[string]Quantity>\n");
    expect((await k(["explain", "pod.metadata.creationTimestamp"])).out).toContain("FIELD: creationTimestamp <string>\n");
    expect(fieldLines((await k(["explain", "pod.spec"])).out)).toContain("containers <[]Container> -required-");
  });

  it("a kind of each served group is explained, the review kinds included", async () => {
    for (const kind of ["services", "replicasets", "endpointslices", "leases", "poddisruptionbudgets", "priorityclasses", "subjectaccessreviews", "selfsubjectreviews"]) {
      const r = await k(["explain", kind]);
      expect(r.err, kind).toBe("");
      expect(r.out, kind).toMatch(/\nDESCRIPTION:\n {4}\S/);
    }
  }, 60_000);

  it("a field the schema does not have is an error", async () => {
    const r = await k(["explain", "pod.spec.nope"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: field "nope" does not exist\n');
  });

  it("kubectl apply computes its patch from the schemas' merge keys: list elements by name, a removed one deleted", async () => {
    const file = join(dirname(s.kubeconfigPath), "d.yaml");
    const manifest = (env: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: merge}\nspec:\n  selector: {matchLabels: {app: merge}}\n  template:\n    metadata: {labels: {app: merge}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        env: [${env}]\n`;
    writeFileSync(file, manifest(`{name: A, value: "1"}, {name: B, value: "2"}`));
    expect((await k(["apply", "-f", file])).out).toBe("deployment.apps/merge created\n");
    writeFileSync(file, manifest(`{name: A, value: "1"}, {name: C, value: "3"}`));
    const r = await k(["apply", "-f", file, "-v=9"]);
    expect(r.err).not.toContain("OpenAPI V3 path does not support strategic merge patch");
    expect(r.err).toContain(String.raw`\"$setElementOrder/env\":[{\"name\":\"A\"},{\"name\":\"C\"}],\"env\":[{\"name\":\"C\",\"value\":\"3\"},{\"$patch\":\"delete\",\"name\":\"B\"}]`);
    expect((await k(["get", "deployment", "merge", "-o", "jsonpath={.spec.template.spec.containers[0].env}"])).out).toBe('[{"name":"A","value":"1"},{"name":"C","value":"3"}]');
  });
});
