// Dynamic admission webhooks end to end: a real HTTPS webhook server in this test (certificates made
// with openssl), the real kubectl against a served cluster. Expected texts are Kubernetes' own:
// k8s.io/apiserver v0.35 pkg/admission/plugin/webhook (errors/statuserror.go ToStatusErr,
// mutating/validating dispatcher.go, request/admissionreview.go), pkg/util/webhook/error.go
// ("failed calling webhook"), and kubectl's StandardErrorMessage ("Error from server (Reason): ...").

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { get as httpsGet } from "node:https";
import { closedPort, findKubectl, kubectl, serve, startWebhookServer, until, type Served, type WebhookServer } from "./serve-helpers.js";

const bin = findKubectl();



const b64 = (s: string) => Buffer.from(s).toString("base64");

describe.runIf(bin)("admission webhooks through kubectl", () => {
  let s: Served;
  let hooks: WebhookServer | undefined;
  let port = 0;
  let caBundle = "";
  /** every AdmissionReview request the webhook server got, by path */
  const seen: Array<{ path: string; request: any }> = [];
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 40_000, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    hooks = await startWebhookServer((review, url, res) => {
      const path = url.split("?")[0]!;
      seen.push({ path, request: review.request });
      const reply = (response: object) => {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request.uid, ...response } }));
      };
      const pod = review.request.object;
      if (path === "/mutate") {
        // a label and a sidecar container, as an injector would add them
        const ops = [
          pod.metadata.labels ? { op: "add", path: "/metadata/labels/injected", value: "yes" } : { op: "add", path: "/metadata/labels", value: { injected: "yes" } },
          { op: "add", path: "/spec/containers/-", value: { name: "sidecar", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] } },
        ];
        return reply({ allowed: true, patchType: "JSONPatch", patch: b64(JSON.stringify(ops)) });
      }
      if (path === "/validate") {
        if (String(pod?.metadata?.name).startsWith("bad")) return reply({ allowed: false, status: { message: "pods named bad are refused" } });
        return reply({ allowed: true, warnings: ["checked by validate.hooks.test"] });
      }
      if (path === "/deny-connect") return reply({ allowed: false, status: { message: `exec into ${review.request.name} is not allowed` } });
      if (path === "/slow") return void setTimeout(() => reply({ allowed: true }), 3000);
      if (path === "/label-a" || path === "/label-b") {
        // /label-a records whether it saw label b; /label-b sets b once
        const labels = pod.metadata.labels ?? {};
        const want = path === "/label-a" ? { a: labels.b ? "saw-b" : "no-b" } : { b: "1" };
        if (Object.entries(want).every(([key, v]) => labels[key] === v)) return reply({ allowed: true });
        return reply({ allowed: true, patchType: "JSONPatch", patch: b64(JSON.stringify([{ op: "add", path: "/metadata/labels", value: { ...labels, ...want } }])) });
      }
      if (path === "/lookup") {
        // as many policy webhooks do: read the cluster (a ConfigMap, the pod's namespace) before answering
        const get = (p: string) => new Promise<any>((resolve, reject) => {
          const out = httpsGet(`${s.server.url}${p}`, { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } }, (r) => {
            let body = "";
            r.on("data", (d) => (body += d));
            r.on("end", () => resolve(JSON.parse(body)));
          });
          out.on("error", reject);
        });
        return void Promise.all([get("/api/v1/namespaces/default/configmaps/hook-config"), get(`/api/v1/namespaces/${review.request.namespace}`)])
          .then(([cm, ns]: any[]) => reply({ allowed: true, patchType: "JSONPatch", patch: b64(JSON.stringify([{ op: "add", path: "/metadata/labels", value: { team: cm.data.team, "ns-phase": ns.status.phase } }])) }))
          .catch((e) => reply({ allowed: false, status: { message: `lookup failed: ${e}` } }));
      }
      reply({ allowed: true });
    }, ["webhook.hooks.svc"]);
    ({ port, caBundle } = hooks);
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);

  // each test makes the configurations it needs
  afterEach(async () => {
    await k(["delete", "mutatingwebhookconfigurations,validatingwebhookconfigurations", "--all"]);
  });

  afterAll(async () => {
    await s?.stop();
    await hooks?.close();
  });

  const podRule = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] };
  const hook = (name: string, url: string, extra: object = {}) => ({ name, clientConfig: { url, caBundle }, rules: [podRule], sideEffects: "None", admissionReviewVersions: ["v1"], ...extra });
  const config = (kind: string, name: string, webhooks: object[]) => JSON.stringify({ apiVersion: "admissionregistration.k8s.io/v1", kind, metadata: { name }, webhooks });
  const pod = (name: string, namespace = "default", labels?: Record<string, string>) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace, ...(labels ? { labels } : {}) }, spec: { containers: [{ name: "app", image: "nginx:1.27" }] } });

  it("serves the two configuration kinds with kubectl's NAME WEBHOOKS AGE", async () => {
    const none = await k(["get", "mutatingwebhookconfigurations"]);
    expect([none.code, none.err]).toEqual([0, "No resources found\n"]);
    const made = await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "listed", [hook("a.hooks.test", `https://127.0.0.1:${port}/allow`, { rules: [{ ...podRule, operations: ["DELETE"] }] }), hook("b.hooks.test", `https://127.0.0.1:${port}/allow`, { rules: [{ ...podRule, operations: ["DELETE"] }] })]));
    expect(made.out).toBe("validatingwebhookconfiguration.admissionregistration.k8s.io/listed created\n");
    const rows = (await k(["get", "validatingwebhookconfigurations"])).out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(["NAME", "WEBHOOKS", "AGE"]);
    expect(rows[1]!.slice(0, 2)).toEqual(["listed", "2"]);
    // the v1 defaults (pkg/apis/admissionregistration/v1 defaults.go)
    const stored = JSON.parse((await k(["get", "validatingwebhookconfiguration", "listed", "-o", "json"])).out);
    expect(stored.webhooks[0]).toMatchObject({ failurePolicy: "Fail", matchPolicy: "Equivalent", namespaceSelector: {}, objectSelector: {}, timeoutSeconds: 10 });
    expect(stored.webhooks[0].rules[0].scope).toBe("*");
    await k(["delete", "validatingwebhookconfiguration", "listed"]);
  });

  it("refuses a configuration as ValidateValidatingWebhookConfiguration does", async () => {
    const bad = config("ValidatingWebhookConfiguration", "bad", [
      { name: "a.hooks.test", clientConfig: { url: "http://u:p@127.0.0.1/x?y=1#f" }, rules: [{ ...podRule, resources: ["*", "pods"] }], admissionReviewVersions: ["v2"] },
      { name: "a.hooks.test", clientConfig: { url: "https://127.0.0.1/x", service: { namespace: "default", name: "s" } }, sideEffects: "Some", admissionReviewVersions: ["v1"] },
    ]);
    const r = await k(["create", "-f", "-"], bad);
    expect(r.err).toBe([
      'The ValidatingWebhookConfiguration "bad" is invalid: ',
      `* webhooks[0].rules[0].resources: Invalid value: ["*","pods"]: if '*' is present, must not specify other resources without subresources`,
      "* webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
      `* webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
      '* webhooks[0].clientConfig.url: Invalid value: "u:p": user information is not permitted in the URL',
      '* webhooks[0].clientConfig.url: Invalid value: "f": fragments are not permitted in the URL',
      '* webhooks[0].clientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
      '* webhooks[0].admissionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1',
      '* webhooks[1].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
      "* webhooks[1].clientConfig: Required value: exactly one of url or service is required",
      '* webhooks[1].name: Duplicate value: "a.hooks.test"',
      "",
    ].join("\n"));
  });

  it("calls the mutating webhook, then the validating one, and stores and runs the patched pod", async () => {
    seen.length = 0;
    await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "inject", [hook("inject.hooks.test", `https://127.0.0.1:${port}/mutate`)]));
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "deny", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`)]));
    const made = await k(["create", "-f", "-"], pod("web"));
    expect([made.out, made.err]).toEqual(["pod/web created\n", "Warning: checked by validate.hooks.test\n"]);
    // mutating first, and the validating webhook sees the patched object (dispatch order)
    expect(seen.map((x) => x.path)).toEqual(["/mutate", "/validate"]);
    const review = seen[0]!.request;
    expect(review).toMatchObject({
      kind: { group: "", version: "v1", kind: "Pod" }, resource: { group: "", version: "v1", resource: "pods" },
      requestKind: { group: "", version: "v1", kind: "Pod" }, name: "web", namespace: "default", operation: "CREATE",
      dryRun: false, oldObject: null, options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
    });
    expect(review.userInfo.username).toBe("admin");
    expect(typeof review.uid).toBe("string");
    expect(seen[1]!.request.object.metadata.labels).toEqual({ injected: "yes" });
    const stored = JSON.parse((await k(["get", "pod", "web", "-o", "json"])).out);
    expect(stored.metadata.labels).toEqual({ injected: "yes" });
    expect(stored.spec.containers.map((c: any) => c.name)).toEqual(["app", "sidecar"]);
    // the patched object is defaulted again: the sidecar has the container defaults
    expect(stored.spec.containers[1]).toMatchObject({ imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    // the webhook changed the pod, so the in-tree plugins ran again (admission.reinvoker): the
    // ServiceAccount plugin mounted the token volume into the sidecar too
    const tokenMount = (c: any) => (c.volumeMounts ?? []).find((m: any) => m.mountPath === "/var/run/secrets/kubernetes.io/serviceaccount");
    expect(tokenMount(stored.spec.containers[1])).toEqual(tokenMount(stored.spec.containers[0]));
    expect(tokenMount(stored.spec.containers[1])?.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    const running = await until(async () => {
      const p = JSON.parse((await k(["get", "pod", "web", "-o", "json"])).out);
      return p.spec.nodeName && (p.status.containerStatuses ?? []).filter((c: any) => c.ready).length === 2 ? p : undefined;
    }, 30_000);
    expect(running?.status.containerStatuses.map((c: any) => c.name).sort()).toEqual(["app", "sidecar"]);
  }, 60_000);

  it("refuses a pod the validating webhook denies, in kubectl's words", async () => {
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "deny", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`)]));
    const r = await k(["create", "-f", "-"], pod("bad-one"));
    // ToStatusErr: no code in the webhook's status gives 400, no reason gives "Error from server:"
    expect(r.err).toBe('Error from server: error when creating "STDIN": admission webhook "validate.hooks.test" denied the request: pods named bad are refused\n');
    expect((await k(["get", "pod", "bad-one"])).err).toBe('Error from server (NotFound): pods "bad-one" not found\n');
  });

  // generic/webhook.go ShouldCallHook with matchconditions/matcher.go: any condition false skips the
  // webhook (no call), an error under failurePolicy Fail is apierrors.NewForbidden, under Ignore a skip
  it("matchConditions: a false condition leaves the webhook uncalled; an erring one refuses under Fail and skips under Ignore", async () => {
    const skipLabelled = [{ name: "not-skipped", expression: "!has(object.metadata.labels) || !('skip' in object.metadata.labels)" }];
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "deny", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`, { matchConditions: skipLabelled })]));
    seen.length = 0;
    // the webhook would refuse a pod named bad-...: labelled skip, it is never asked
    expect((await k(["create", "-f", "-"], pod("bad-skipped", "default", { skip: "yes" }))).out).toBe("pod/bad-skipped created\n");
    expect(seen).toEqual([]);
    const asked = await k(["create", "-f", "-"], pod("bad-asked"));
    expect(asked.err).toBe('Error from server: error when creating "STDIN": admission webhook "validate.hooks.test" denied the request: pods named bad are refused\n');
    expect(seen.map((x) => x.path)).toEqual(["/validate"]);
    const erring = [{ name: "erring", expression: "object.metadata.labels.team == 'a'" }];
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "deny", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`, { matchConditions: erring })]));
    const failed = await k(["create", "-f", "-"], pod("bad-erring"));
    expect(failed.err).toBe(`Error from server (Forbidden): error when creating "STDIN": pods "bad-erring" is forbidden: expression 'object.metadata.labels.team == 'a'' resulted in error: no such key: labels\n`);
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "deny", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`, { matchConditions: erring, failurePolicy: "Ignore" })]));
    seen.length = 0;
    expect((await k(["create", "-f", "-"], pod("bad-ignored"))).out).toBe("pod/bad-ignored created\n");
    expect(seen).toEqual([]);
    await k(["delete", "pods", "bad-skipped", "bad-ignored", "--wait=false"]);
  });

  it("refuses matchConditions that do not compile or give no bool, with the compiler's words", async () => {
    const r = await k(["create", "-f", "-"], config("ValidatingWebhookConfiguration", "bad-conditions", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`, {
      matchConditions: [{ name: "undeclared", expression: "nope" }, { name: "not-bool", expression: "'a'" }, { name: "not-bool", expression: "true" }],
    })]));
    expect(r.err).toBe([
      'The ValidatingWebhookConfiguration "bad-conditions" is invalid: ',
      "* webhooks[0].matchConditions[0].expression: Invalid value: \"nope\": compilation failed: ERROR: <input>:1:1: undeclared reference to 'nope' (in container '')",
      " | nope",
      " | ^",
      "* webhooks[0].matchConditions[1].expression: Invalid value: \"'a'\": must evaluate to bool but got string",
      '* webhooks[0].matchConditions[2].name: Duplicate value: "not-bool"',
      "",
    ].join("\n"));
  });

  it("sends a server-side dry run with dryRun true and stores nothing", async () => {
    await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "inject", [hook("inject.hooks.test", `https://127.0.0.1:${port}/mutate`)]));
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "deny", [hook("validate.hooks.test", `https://127.0.0.1:${port}/validate`, { sideEffects: "NoneOnDryRun" })]));
    seen.length = 0;
    const r = await k(["create", "--dry-run=server", "-o", "jsonpath={.spec.containers[*].name}", "-f", "-"], pod("dry"));
    expect(r.out).toBe("app sidecar");
    expect(seen.map((x) => [x.path, x.request.dryRun])).toEqual([["/mutate", true], ["/validate", true]]);
    // kubectl create sends its --field-manager default, kubectl-create (CreateOptions as decoded from the query)
    expect(seen[0]!.request.options).toEqual({ kind: "CreateOptions", apiVersion: "meta.k8s.io/v1", dryRun: ["All"], fieldManager: "kubectl-create" });
    expect((await k(["get", "pod", "dry"])).err).toBe('Error from server (NotFound): pods "dry" not found\n');
  });

  it("leaves out a namespace its namespaceSelector excludes and an object its objectSelector excludes", async () => {
    await k(["create", "namespace", "plain"]);
    await k(["create", "namespace", "injected"]);
    await k(["label", "namespace", "injected", "inject=enabled"]);
    await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "selective", [hook("inject.hooks.test", `https://127.0.0.1:${port}/mutate`, {
      namespaceSelector: { matchLabels: { inject: "enabled" } },
      objectSelector: { matchExpressions: [{ key: "skip-injection", operator: "DoesNotExist" }] },
    })]));
    seen.length = 0;
    await k(["create", "-f", "-"], pod("p1", "plain"));
    await k(["create", "-f", "-"], pod("p2", "injected", { "skip-injection": "true" }));
    await k(["create", "-f", "-"], pod("p3", "injected"));
    expect(seen.map((x) => `${x.request.namespace}/${x.request.name}`)).toEqual(["injected/p3"]);
    const containers = async (ns: string, name: string) => (await k(["get", "pod", name, "-n", ns, "-o", "jsonpath={.spec.containers[*].name}"])).out;
    expect([await containers("plain", "p1"), await containers("injected", "p2"), await containers("injected", "p3")]).toEqual(["app", "app", "app sidecar"]);
    await k(["delete", "mutatingwebhookconfiguration", "selective"]);
  });

  it("fails a request when a Fail webhook cannot be reached, and lets it through under Ignore", async () => {
    const down = await closedPort();
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "down", [hook("down.hooks.test", `https://127.0.0.1:${down}/validate`)]));
    const r = await k(["create", "-f", "-"], pod("unchecked"));
    expect(r.err).toBe(`Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "down.hooks.test": failed to call webhook: Post "https://127.0.0.1:${down}/validate?timeout=10s": dial tcp 127.0.0.1:${down}: connect: connection refused\n`);
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "down", [hook("down.hooks.test", `https://127.0.0.1:${down}/validate`, { failurePolicy: "Ignore" })]));
    const ignored = await k(["create", "-f", "-"], pod("unchecked"));
    expect(ignored.out).toBe("pod/unchecked created\n");
    await k(["delete", "validatingwebhookconfiguration", "down"]);
  });

  it("asks on CONNECT with the exec options, and a refusal stops kubectl exec", async () => {
    await k(["create", "-f", "-"], pod("shell"));
    const ready = await until(async () => (await k(["get", "pod", "shell", "-o", "jsonpath={.status.phase}"])).out === "Running", 30_000);
    expect(ready).toBe(true);
    seen.length = 0;
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "no-exec", [hook("deny-exec.hooks.test", `https://127.0.0.1:${port}/deny-connect`, { rules: [{ operations: ["CONNECT"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods/exec"] }] })]));
    const r = await k(["exec", "shell", "--", "echo", "hi"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('admission webhook "deny-exec.hooks.test" denied the request: exec into shell is not allowed');
    // ConnectResource's attributes: the options as the object, kind PodExecOptions, no old object
    expect(seen[0]!.request).toMatchObject({ operation: "CONNECT", kind: { group: "", version: "v1", kind: "PodExecOptions" }, subResource: "exec", name: "shell", oldObject: null });
    expect(seen[0]!.request.object).toMatchObject({ kind: "PodExecOptions", apiVersion: "v1", command: ["echo", "hi"] });
  }, 60_000);

  it("gives up on a webhook after its timeoutSeconds", async () => {
    await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "slow", [hook("slow.hooks.test", `https://127.0.0.1:${port}/slow`, { timeoutSeconds: 1 })]));
    const r = await k(["create", "-f", "-"], pod("waited"));
    expect(r.err).toBe(`Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "slow.hooks.test": failed to call webhook: Post "https://127.0.0.1:${port}/slow?timeout=1s": context deadline exceeded\n`);
    await k(["delete", "validatingwebhookconfiguration", "slow"]);
  });

  it("answers a webhook's own reads of the cluster while the request it judges waits (kube-apiserver serves requests concurrently)", async () => {
    await k(["create", "configmap", "hook-config", "--from-literal=team=blue"]);
    await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "lookup", [hook("lookup.hooks.test", `https://127.0.0.1:${port}/lookup`, { timeoutSeconds: 5 })]));
    const made = await k(["run", "looked-up", "--image=nginx:1.27"]);
    expect([made.code, made.err]).toEqual([0, ""]);
    const labels = JSON.parse((await k(["get", "pod", "looked-up", "-o", "jsonpath={.metadata.labels}"])).out);
    expect(labels).toEqual({ team: "blue", "ns-phase": "Active" });
    await k(["delete", "pod", "looked-up", "--wait=false"]);
    await k(["delete", "configmap", "hook-config"]);
  });

  // (b is Never: were it IfNeeded, a's change in the second round would call it again too, as reinvocationcontext.go marks it)
  it("calls an IfNeeded webhook again when a later webhook changed the object, and a Never one only once", async () => {
    for (const [policy, expected, calls] of [["IfNeeded", "saw-b", ["/label-a", "/label-b", "/label-a"]], ["Never", "no-b", ["/label-a", "/label-b"]]] as const) {
      seen.length = 0;
      // configurations in name order: r1 before r2
      await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "r1", [hook("a.hooks.test", `https://127.0.0.1:${port}/label-a`, { reinvocationPolicy: policy })]));
      await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "r2", [hook("b.hooks.test", `https://127.0.0.1:${port}/label-b`)]));
      const name = `reinvoked-${policy.toLowerCase()}`;
      expect((await k(["create", "-f", "-"], pod(name))).code).toBe(0);
      expect(seen.map((x) => x.path)).toEqual(calls);
      const labels = JSON.parse((await k(["get", "pod", name, "-o", "jsonpath={.metadata.labels}"])).out);
      expect(labels).toEqual({ a: expected, b: "1" });
      await k(["delete", "pod", name, "--wait=false"]);
    }
  });

  it("never sends a webhook its own configuration objects, even when a Fail webhook on everything is down", async () => {
    const down = await closedPort();
    const everything = { operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"] };
    const made = await k(["apply", "-f", "-"], config("ValidatingWebhookConfiguration", "everything", [hook("everything.hooks.test", `https://127.0.0.1:${down}/validate`, { rules: [everything] })]));
    expect(made.code).toBe(0);
    const cm = await k(["create", "configmap", "blocked"]);
    expect(cm.err).toContain('failed calling webhook "everything.hooks.test"');
    // rules.IsExemptAdmissionConfigurationResource: the configuration itself can still be removed
    const removed = await k(["delete", "validatingwebhookconfiguration", "everything"]);
    expect(removed.out).toBe('validatingwebhookconfiguration.admissionregistration.k8s.io "everything" deleted\n');
    expect((await k(["create", "configmap", "blocked"])).out).toBe("configmap/blocked created\n");
  });

  it("reaches a webhook through an ExternalName service, verifying the service's name", async () => {
    await k(["create", "namespace", "hooks"]);
    await k(["create", "service", "externalname", "webhook", "-n", "hooks", "--external-name", "localhost"]);
    await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "by-service", [{
      ...hook("inject.hooks.test", ""), clientConfig: { service: { namespace: "hooks", name: "webhook", path: "/mutate", port }, caBundle },
    }]));
    const made = await k(["create", "-f", "-"], pod("via-service"));
    expect(made.out).toBe("pod/via-service created\n");
    expect((await k(["get", "pod", "via-service", "-o", "jsonpath={.spec.containers[*].name}"])).out).toBe("app sidecar");
    // a ClusterIP service with no endpoints: nothing answers at its ClusterIP
    await k(["apply", "-f", "-"], config("MutatingWebhookConfiguration", "by-service", [{
      ...hook("inject.hooks.test", ""), clientConfig: { service: { namespace: "hooks", name: "missing", path: "/mutate" }, caBundle },
    }]));
    const r = await k(["create", "-f", "-"], pod("no-service"));
    expect(r.err).toBe('Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "inject.hooks.test": failed to call webhook: Post "https://missing.hooks.svc:443/mutate?timeout=10s": service "missing" not found\n');
    await k(["delete", "mutatingwebhookconfiguration", "by-service"]);
  });
});
