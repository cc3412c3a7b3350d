// The pure parts of the admission webhooks against Kubernetes' own tables: k8s.io/apiserver v0.35
// pkg/admission/plugin/webhook/predicates/rules/rules_test.go (TestResource, TestScope) and
// errors/statuserror_test.go (TestToStatusErr), request/admissionreview.go (VerifyAdmissionResponse's errors).

import { describe, expect, it } from "vitest";
import { admissionReview, deniedStatus, judgeWebhookAnswer, ruleMatches, shouldCallHook, type WebhookAttributes } from "./webhooks.js";

const attrs = (group: string, version: string, resource: string, subresource: string, namespace = "ns", extra: Partial<WebhookAttributes> = {}): WebhookAttributes => ({
  operation: "CREATE", group, version, resource, subresource, kind: "K", name: "name", namespace, dryRun: false, user: { name: "u", groups: [] }, ...extra,
});
const rule = (resources: string[], scope?: string) => ({ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources, ...(scope ? { scope } : {}) });

describe("ruleMatches (rules_test.go TestResource)", () => {
  const table: Array<[string, string[], WebhookAttributes[], WebhookAttributes[]]> = [
    ["no subresources", ["*"], [attrs("g", "v", "r", ""), attrs("2", "v", "r2", "")], [attrs("g", "v", "r", "exec"), attrs("2", "v", "r2", "proxy")]],
    ["r & subresources", ["r/*"], [attrs("g", "v", "r", ""), attrs("g", "v", "r", "exec")], [attrs("2", "v", "r2", ""), attrs("2", "v", "r2", "proxy")]],
    ["r & subresources or r2", ["r/*", "r2"], [attrs("g", "v", "r", ""), attrs("g", "v", "r", "exec"), attrs("2", "v", "r2", "")], [attrs("2", "v", "r2", "proxy")]],
    ["proxy or exec", ["*/proxy", "*/exec"], [attrs("g", "v", "r", "exec"), attrs("2", "v", "r2", "proxy"), attrs("2", "v", "r3", "proxy")], [attrs("g", "v", "r", ""), attrs("2", "v", "r2", ""), attrs("2", "v", "r4", "scale")]],
  ];
  for (const [name, resources, match, noMatch] of table) {
    it(name, () => {
      expect(match.map((a) => ruleMatches(rule(resources), a))).toEqual(match.map(() => true));
      expect(noMatch.map((a) => ruleMatches(rule(resources), a))).toEqual(noMatch.map(() => false));
    });
  }
  it("scope Namespaced leaves out cluster-scoped objects and namespaces themselves; Cluster takes them", () => {
    const ns = attrs("", "v1", "namespaces", "", "ns");
    const node = attrs("", "v1", "nodes", "", "");
    const pod = attrs("", "v1", "pods", "", "ns");
    expect([pod, ns, node].map((a) => ruleMatches(rule(["*"], "Namespaced"), a))).toEqual([true, false, false]);
    expect([pod, ns, node].map((a) => ruleMatches(rule(["*"], "Cluster"), a))).toEqual([false, true, true]);
  });
});

describe("deniedStatus (statuserror_test.go TestToStatusErr)", () => {
  const by = 'admission webhook "foo" denied the request';
  const table: Array<[string, unknown, string, number]> = [
    ["nil result", undefined, `${by} without explanation`, 400],
    ["only message", { message: "you shall not pass" }, `${by}: you shall not pass`, 400],
    ["only reason", { reason: "Forbidden" }, `${by}: Forbidden`, 400],
    ["message and reason", { message: "you shall not pass", reason: "Forbidden" }, `${by}: you shall not pass`, 400],
    ["no message, no reason", {}, `${by} without explanation`, 400],
    ["custom 4xx status code", { code: 401 }, `${by} without explanation`, 401],
    ["custom 5xx status code", { code: 500 }, `${by} without explanation`, 500],
    ["200 status code", { code: 200 }, `${by} without explanation`, 400],
  ];
  for (const [name, result, message, code] of table) {
    it(name, () => {
      const st = deniedStatus("foo", result);
      expect([st.message, st.code, st.status]).toEqual([message, code, "Failure"]);
    });
  }
});

describe("shouldCallHook's selectors", () => {
  const hook = (extra: object) => ({ name: "h.example.com", rules: [rule(["pods"])], ...extra });
  const labels = (ns: string) => (ns === "prod" ? { env: "prod" } : ns === "dev" ? {} : undefined);
  const pod = (l?: Record<string, string>) => ({ metadata: { name: "p", ...(l ? { labels: l } : {}) } });
  it("a namespaceSelector reads the request's namespace labels", () => {
    const h = hook({ namespaceSelector: { matchLabels: { env: "prod" } } });
    expect([shouldCallHook(h, attrs("", "v1", "pods", "", "prod"), labels), shouldCallHook(h, attrs("", "v1", "pods", "", "dev"), labels)]).toEqual([true, false]);
  });
  it("a namespace that does not exist is the matcher's NotFound once the rules match", () => {
    const r = shouldCallHook(hook({ namespaceSelector: { matchLabels: { env: "prod" } } }), attrs("", "v1", "pods", "", "gone"), labels);
    expect(r).toMatchObject({ error: { code: 404, reason: "NotFound", message: 'namespaces "gone" not found' } });
  });
  it("a cluster-scoped object other than a namespace is never exempted by a namespaceSelector (namespace/matcher.go MatchNamespaceSelector)", () => {
    const h = { name: "h.example.com", rules: [rule(["nodes"])], namespaceSelector: { matchLabels: { env: "prod" } } };
    expect(shouldCallHook(h, attrs("", "v1", "nodes", "", ""), labels)).toBe(true);
  });
  it("an objectSelector matches the new or the old object; a missing object never matches", () => {
    const h = hook({ objectSelector: { matchLabels: { a: "b" } } });
    const call = (object?: object, oldObject?: object) => shouldCallHook(h, attrs("", "v1", "pods", "", "dev", { ...(object ? { object } : {}), ...(oldObject ? { oldObject } : {}) }), labels);
    expect([call(pod({ a: "b" })), call(pod({}), pod({ a: "b" })), call(pod({})), call(undefined, undefined)]).toEqual([true, true, false, false]);
  });
});

describe("judgeWebhookAnswer (VerifyAdmissionResponse and the dispatchers)", () => {
  const hook = { name: "h.example.com", failurePolicy: "Fail" };
  const review = (response: object) => ({ body: { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "u1", ...response } }, status: 200 });
  const msg = (v: { error?: { message?: string } }) => v.error?.message;
  it("a response for another uid fails the call", () => {
    expect(msg(judgeWebhookAnswer(hook, "u2", false, {}, review({ allowed: true }), (o) => o))).toBe('Internal error occurred: failed calling webhook "h.example.com": received invalid webhook response: expected response.uid="u2", got "u1"');
  });
  it("a validating webhook may not patch", () => {
    expect(msg(judgeWebhookAnswer(hook, "u1", false, {}, review({ allowed: true, patch: "W10=", patchType: "JSONPatch" }), (o) => o))).toBe('Internal error occurred: failed calling webhook "h.example.com": received invalid webhook response: validating webhook may not return response.patch');
  });
  it("a patch without its type fails the call", () => {
    expect(msg(judgeWebhookAnswer(hook, "u1", true, {}, review({ allowed: true, patch: "W10=" }), (o) => o))).toBe('Internal error occurred: failed calling webhook "h.example.com": received invalid webhook response: webhook returned response.patch but not response.patchType');
  });
  it("under Ignore a failed call lets the request through", () => {
    expect(judgeWebhookAnswer({ ...hook, failurePolicy: "Ignore" }, "u1", false, {}, { error: "boom" }, (o) => o)).toEqual({});
  });
  it("under Ignore a refusal still refuses: the failure policy judges failed calls only (validating.go, ErrCallingWebhook)", () => {
    expect(msg(judgeWebhookAnswer({ ...hook, failurePolicy: "Ignore" }, "u1", false, {}, review({ allowed: false, status: { message: "no" } }), (o) => o))).toBe('admission webhook "h.example.com" denied the request: no');
  });
  it("a JSONPatch applies to the object", () => {
    const patch = Buffer.from(JSON.stringify([{ op: "add", path: "/metadata/labels", value: { a: "b" } }])).toString("base64");
    expect(judgeWebhookAnswer(hook, "u1", true, { metadata: {} }, review({ allowed: true, patch, patchType: "JSONPatch" }), (o) => o)).toEqual({ obj: { metadata: { labels: { a: "b" } } } });
  });
});

describe("admissionReview's userInfo (CreateV1AdmissionReview copies user.Info's extra map)", () => {
  it("keeps every impersonated extra key as a key, __proto__ included", () => {
    const a = attrs("", "v1", "pods", "", "ns", { user: { name: "u", groups: ["g"], extra: [["__proto__", ["x"]], ["scopes", ["a", "b"]]] } });
    const sent = JSON.parse(JSON.stringify(admissionReview("uid-1", a)));
    expect(sent.request.userInfo).toEqual(JSON.parse('{"username":"u","groups":["g"],"extra":{"__proto__":["x"],"scopes":["a","b"]}}'));
  });
});
