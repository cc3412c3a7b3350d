// SetDefaults_NetworkPolicy(Port) and SetDefaults_IngressClass (pkg/apis/networking/v1/defaults.go,
// TestSetDefaultNetworkPolicy rows) and the DefaultIngressClass admission plugin
// (plugin/pkg/admission/network/defaultingressclass, TestDefaultIngressClass's cases).
import { describe, expect, it } from "vitest";
import { defaulted, mutate } from "./index.js";

const np = (spec: unknown) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "np", namespace: "default" }, spec });

describe("networking.k8s.io/v1 defaults", () => {
  it("a policy without policyTypes is Ingress, plus Egress when it has egress rules; ports default to TCP", () => {
    expect(defaulted(np({ podSelector: {} })).spec.policyTypes).toEqual(["Ingress"]);
    expect(defaulted(np({ podSelector: {}, ingress: [{}] })).spec.policyTypes).toEqual(["Ingress"]);
    const d = defaulted(np({ podSelector: {}, egress: [{ ports: [{ port: 53 }, { port: 53, protocol: "UDP" }] }] }));
    expect(d.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(d.spec.egress[0].ports).toEqual([{ port: 53, protocol: "TCP" }, { port: 53, protocol: "UDP" }]);
    expect(defaulted(np({ podSelector: {}, egress: [{}], policyTypes: ["Egress"] })).spec.policyTypes).toEqual(["Egress"]);
  });

  it("an IngressClass parameters reference without a scope is cluster-scoped", () => {
    const d = defaulted({ kind: "IngressClass", metadata: { name: "c" }, spec: { controller: "a.b/c", parameters: { kind: "K", name: "n" } } });
    expect(d.spec.parameters.scope).toBe("Cluster");
  });
});

describe("DefaultIngressClass admission", () => {
  const cls = (name: string, isDefault?: string) => ({ kind: "IngressClass", metadata: { name, ...(isDefault !== undefined ? { annotations: { "ingressclass.kubernetes.io/is-default-class": isDefault } } : {}) }, spec: { controller: "a.b/c" } });
  const ing = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({ kind: "Ingress", metadata: { name: "i", namespace: "default", ...(annotations ? { annotations } : {}) }, spec: { defaultBackend: { service: { name: "s", port: { number: 80 } } }, ...spec } });
  const create = (obj: unknown, ingressClasses: unknown[]) => {
    let refused: string | undefined;
    const out = mutate(obj, { now: "2026-01-01T00:00:00Z", operation: "CREATE", ingressClasses, refuse: (r) => void (refused = r) });
    return { out, refused };
  };

  it("an Ingress without a class gets the one default class", () => {
    expect(create(ing(), [cls("a"), cls("b", "true")]).out.spec.ingressClassName).toBe("b");
  });
  it("no default class, or a value other than \"true\", leaves it unset", () => {
    expect(create(ing(), [cls("a"), cls("b", "false")]).out.spec.ingressClassName).toBeUndefined();
  });
  it("an explicit class or the legacy annotation is kept", () => {
    expect(create(ing({ ingressClassName: "mine" }), [cls("b", "true")]).out.spec.ingressClassName).toBe("mine");
    expect(create(ing({}, { "kubernetes.io/ingress.class": "legacy" }), [cls("b", "true")]).out.spec.ingressClassName).toBeUndefined();
  });
  // getDefaultClass (kubernetes#110974, v1.25): several defaults no longer refuse the create; the newest is taken
  it("two defaults created at the same time: the one with the lower name, and nothing refused", () => {
    const r = create(ing(), [cls("default2", "true"), cls("default1", "true"), cls("nondefault1", "false")]);
    expect([r.out.spec.ingressClassName, r.refused]).toEqual(["default1", undefined]);
  });
  it("two defaults: the one with the newer creation time", () => {
    const at = (c: ReturnType<typeof cls>, creationTimestamp: string) => ({ ...c, metadata: { ...c.metadata, creationTimestamp } });
    const classes = [at(cls("default1", "true"), "2022-01-01T00:00:01Z"), at(cls("default2", "true"), "2022-01-01T00:00:00Z")];
    expect(create(ing(), classes).out.spec.ingressClassName).toBe("default1");
    expect(create(ing(), [classes[1], classes[0]]).out.spec.ingressClassName).toBe("default1");
  });
  it("two defaults leave an Ingress with class field '' as it is", () => {
    expect(create(ing({ ingressClassName: "" }), [cls("default1", "true"), cls("default2", "true")]).out.spec.ingressClassName).toBe("");
  });
  it("the ingress strategy: generation 1 and an empty load-balancer status on create", () => {
    const { out } = create({ ...ing(), status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } }, []);
    expect(out.metadata.generation).toBe(1);
    expect(out.status).toEqual({ loadBalancer: {} });
  });
});
