// The API server's warnings through the real kubectl: the strategies' WarningsOnCreate /
// WarningsOnUpdate (pkg/api/pod/warnings.go and the registry strategies) reach kubectl as
// `Warning: 299 - "text"` headers, which it prints on stderr as `Warning: text`, each once per
// command, before the line of the object they came with.

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      nodeSelector:
        beta.kubernetes.io/os: linux
      containers:
      - name: nginx
        image: nginx
        env:
        - {name: A, value: "1"}
        - {name: A, value: "2"}
`;

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: p.one
spec:
  terminationGracePeriodSeconds: -1
  containers:
  - name: c
    image: nginx
    resources:
      requests:
        memory: 100m
`;

const template = [
  'Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead',
  'Warning: spec.template.spec.containers[0].env[1]: hides previous definition of "A", which may be dropped when using apply',
];
const dotted = "Warning: metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]";

describe.runIf(bin)("kubectl prints the API server's warnings", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("apply: a Deployment's name and template warnings, then a Pod's, on stderr", async () => {
    const r = await k(["apply", "-f", "-"], `${deployment("web.v1")}---\n${pod}`);
    expect(r.code).toBe(0);
    expect(r.out).toBe("deployment.apps/web.v1 created\npod/p.one created\n");
    expect(r.err.trimEnd().split("\n")).toEqual([
      dotted,
      ...template,
      "Warning: metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
      'Warning: spec.containers[0].resources.requests[memory]: fractional byte value "100m" is invalid, must be an integer',
      // no word of the pod's negative grace period: PrepareForCreate stored 1 before the warnings are drawn
    ]);
  });

  it("a server-side dry run warns as the write would; kubectl prints a warning once per command", async () => {
    const r = await k(["apply", "--dry-run=server", "-f", "-"], `${deployment("web.v2")}---\n${deployment("web.v5")}`);
    expect(r.out).toBe("deployment.apps/web.v2 created (server dry run)\ndeployment.apps/web.v5 created (server dry run)\n");
    expect(r.err.trimEnd().split("\n")).toEqual([dotted, ...template]);
  });

  it("re-applying what changes no generation warns no more; scaling (a new generation) warns about the template again", async () => {
    const again = await k(["apply", "-f", "-"], deployment("web.v1"));
    expect(again).toMatchObject({ out: "deployment.apps/web.v1 unchanged\n", err: "" });
    const labelled = await k(["label", "deployment", "web.v1", "tier=front"]);
    expect(labelled).toMatchObject({ out: "deployment.apps/web.v1 labeled\n", err: "" });
    const scaled = await k(["scale", "deployment", "web.v1", "--replicas=2"]);
    expect(scaled.out).toBe("deployment.apps/web.v1 scaled\n");
    expect(scaled.err.trimEnd().split("\n")).toEqual(template);
  });

  it("with --validate=warn an unknown field's warning (the decoder's) comes before the strategy's", async () => {
    const withUnknown = deployment("web.v3").replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n");
    const r = await k(["apply", "--validate=warn", "-f", "-"], withUnknown);
    expect(r.out).toBe("deployment.apps/web.v3 created\n");
    expect(r.err.trimEnd().split("\n")).toEqual(['Warning: unknown field "spec.foo"', dotted, ...template]);
  });

  it("server-side apply warns too", async () => {
    // (a repeated env name is an error there: the apply configuration's list is keyed by name)
    const r = await k(["apply", "--server-side", "-f", "-"], deployment("web.v4").replace('        - {name: A, value: "2"}\n', ""));
    expect(r.out).toBe("deployment.apps/web.v4 serverside-applied\n");
    expect(r.err.trimEnd().split("\n")).toEqual([dotted, template[0]]);
  });

  it("a pod's AppArmor annotation is copied to a field, with a warning", async () => {
    const annotated = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: aa\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/c: runtime/default\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
    const r = await k(["apply", "-f", "-"], annotated);
    expect(r).toMatchObject({ out: "pod/aa created\n", err: 'Warning: metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: deprecated since v1.30; use the "appArmorProfile" field instead\n' });
    expect((await k(["get", "pod", "aa", "-o", "jsonpath={.spec.containers[0].securityContext.appArmorProfile.type}"])).out).toBe("RuntimeDefault");
  });

  it("warnings drawn before admission refuses the write still reach kubectl, before its error", async () => {
    expect((await k(["create", "namespace", "q"])).out).toBe("namespace/q created\n");
    expect((await k(["create", "quota", "none", "-n", "q", "--hard=pods=0"])).out).toBe("resourcequota/none created\n");
    const r = await k(["apply", "-n", "q", "-f", "-"], "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b.x\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
    expect(r.code).toBe(1);
    expect(r.err).toBe([
      "Warning: metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
      'Error from server (Forbidden): error when creating "STDIN": pods "b.x" is forbidden: exceeded quota: none, requested: pods=1, used: pods=0, limited: pods=0',
      "",
    ].join("\n"));
  });

  it("a Service: a headless one ignores its session affinity", async () => {
    const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: h\nspec:\n  clusterIP: None\n  sessionAffinity: ClientIP\n  selector: {app: web}\n  ports:\n  - port: 80\n";
    const r = await k(["apply", "-f", "-"], svc);
    expect(r).toMatchObject({ out: "service/h created\n", err: "Warning: spec.SessionAffinity is ignored for headless services\n" });
  });
});
